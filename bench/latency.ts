// Enqueue → handler-start latency with an idle worker: the worker sleeps on LISTEN/NOTIFY with a
// 30 s poll interval, so every fast pickup below is a NOTIFY wake-up, not a poll. Sequential: one
// task at a time, the next enqueued 5–20 ms after the previous one started (worker idle again).
// graphile-worker (also LISTEN/NOTIFY) and pg-boss 10 (polling only, minimum 0.5 s) run the same
// loop on their own databases for comparison.
// Run: npm run bench:latency   (env: BENCH_DATABASE_URL, BENCH_SAMPLES, BENCH_PGBOSS_SAMPLES, BENCH_SYSTEMS)
import pg from "pg";
import { Logger, makeWorkerUtils, run } from "graphile-worker";
import PgBoss from "pg-boss";
import { enqueue } from "@/lib/fulfillment/queue";
import { createWorker } from "@/lib/fulfillment/worker";
import { benchUrl, ensureDatabase, ensureOpsdeckDatabase, intEnv, machine, printJson, printTable, round, siblingUrl, sleep, summarize } from "./lib/common";
import { graphile, pgBoss, PGBOSS_QUEUE } from "./lib/competitors";
import { opsdeck } from "./lib/opsdeck";

const SAMPLES = intEnv("BENCH_SAMPLES", 500);
const PGBOSS_SAMPLES = intEnv("BENCH_PGBOSS_SAMPLES", 60);
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? "opsdeck,graphile-worker,pg-boss").split(",");
const POLL_MS = 30_000;
const WAIT_TIMEOUT_MS = 5_000;

interface Samples {
  /** enqueue call start → handler start */
  total: number[];
  /** the enqueue call itself (insert + notify committed) */
  enqueue: number[];
}

/** Calls `send` `samples` times; `started` must be resolved by the worker's handler with performance.now(). */
async function measure(samples: number, send: (i: number) => Promise<unknown>, arm: () => Promise<number>): Promise<Samples> {
  const out: Samples = { total: [], enqueue: [] };
  for (let i = 0; i < samples; i++) {
    await sleep(5 + Math.random() * 15);
    const started = arm();
    const t0 = performance.now();
    await send(i);
    const sent = performance.now();
    const t1 = await Promise.race([started, sleep(WAIT_TIMEOUT_MS).then(() => NaN)]);
    if (Number.isNaN(t1)) throw new Error(`sample ${i}: the worker did not start the task within ${WAIT_TIMEOUT_MS} ms`);
    out.total.push(t1 - t0);
    // The handler can start before the enqueue call has returned (NOTIFY is delivered at commit).
    out.enqueue.push(Math.min(sent, t1) - t0);
  }
  return out;
}

/** One pending "handler started" promise at a time. */
function starter() {
  let resolve: ((t: number) => void) | null = null;
  return {
    arm: () => new Promise<number>((r) => (resolve = r)),
    hit: () => {
      const t = performance.now();
      resolve?.(t);
      resolve = null;
    },
  };
}

async function ours(url: string): Promise<Samples> {
  await ensureOpsdeckDatabase(url);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await opsdeck.reset(admin);
  await admin.end();
  const s = starter();
  const workerPool = new pg.Pool({ connectionString: url, max: 8 });
  const clientPool = new pg.Pool({ connectionString: url, max: 2 });
  const worker = createWorker({
    pool: workerPool,
    workerId: "bench-latency",
    batchSize: 25,
    concurrency: 10,
    pollIntervalMs: POLL_MS,
    leaseMs: 30_000,
    maxAttempts: 5,
    handlers: { noop: async () => s.hit() },
  });
  await worker.start();
  await sleep(200);
  try {
    return await measure(SAMPLES, (i) => enqueue(clientPool, [{ taskType: "noop", payload: { i } }]), s.arm);
  } finally {
    await worker.stop();
    await workerPool.end();
    await clientPool.end();
  }
}

async function graphileLatency(url: string): Promise<Samples> {
  await ensureDatabase(url);
  await graphile.setup(url);
  await graphile.reset(url);
  const s = starter();
  const logger = new Logger(() => () => {});
  const runner = await run({ connectionString: url, concurrency: 10, pollInterval: POLL_MS, noHandleSignals: true, logger, taskList: { noop: async () => s.hit() } });
  const utils = await makeWorkerUtils({ connectionString: url, logger });
  await sleep(200);
  try {
    return await measure(SAMPLES, (i) => utils.addJob("noop", { i }), s.arm);
  } finally {
    await utils.release();
    await runner.stop();
  }
}

async function pgBossLatency(url: string): Promise<Samples> {
  await ensureDatabase(url);
  await pgBoss.setup(url);
  await pgBoss.reset(url);
  const s = starter();
  const boss = new PgBoss({ connectionString: url, schedule: false, supervise: false, migrate: false });
  boss.on("error", () => {});
  await boss.start();
  await boss.work(PGBOSS_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async () => s.hit());
  await sleep(200);
  try {
    return await measure(PGBOSS_SAMPLES, (i) => boss.send(PGBOSS_QUEUE, { i }), s.arm);
  } finally {
    await boss.stop({ graceful: true, wait: true });
  }
}

async function main() {
  const url = benchUrl();
  const results: Record<string, ReturnType<typeof summarize>> = {};
  const enqueueCalls: Record<string, ReturnType<typeof summarize>> = {};
  console.log(`latency: sequential enqueue → handler start, idle worker, poll interval ${POLL_MS / 1000} s (NOTIFY wakes it)`);
  const record = (name: string, s: Samples) => {
    results[name] = summarize(s.total);
    enqueueCalls[name] = summarize(s.enqueue);
  };
  if (SYSTEMS.includes("opsdeck")) record("opsdeck", await ours(url));
  if (SYSTEMS.includes("graphile-worker")) record("graphile-worker", await graphileLatency(siblingUrl(url, "graphile")));
  if (SYSTEMS.includes("pg-boss")) record("pg-boss", await pgBossLatency(siblingUrl(url, "pgboss")));
  const env = await machine(url);
  printTable(
    Object.entries(results).map(([system, r]) => ({
      system,
      samples: r.n,
      "p50 ms": round(r.p50, 2),
      "p95 ms": round(r.p95, 2),
      "p99 ms": round(r.p99, 2),
      "max ms": round(r.max, 2),
      "mean ms": round(r.mean, 2),
      "of which enqueue call p50 ms": round(enqueueCalls[system].p50, 2),
    })),
  );
  const o = results.opsdeck;
  if (o) console.log(`opsdeck: p50 ${round(o.p50, 2)} ms (aim ≤ 5), p99 ${round(o.p99, 2)} ms (aim ≤ 20) → ${o.p50 <= 5 && o.p99 <= 20 ? "MET" : "NOT MET"}`);
  printJson("latency", { machine: env, pollIntervalMs: POLL_MS, results, enqueueCalls });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
