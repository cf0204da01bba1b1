// `opsdeck smoke fulfillment`: the seed's smoke_fulfillment.py contract.
//   --in-process: a throwaway embedded PostgreSQL; enqueue, run the real worker, check the
//     health / metrics / observability figures the endpoints serve; exit 1 naming the failed check.
//   --base-url URL --api-key KEY: check a running deployment's three endpoints; with the
//     "checkout" scope also enqueue a noop task and wait for a worker to finish it.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { registerSmokeCheckout } from "./smoke-checkout";

class SmokeFailure extends Error {}

function check(ok: boolean, what: string, detail?: unknown): void {
  if (!ok) throw new SmokeFailure(`${what}${detail === undefined ? "" : ` (got ${JSON.stringify(detail)})`}`);
  process.stdout.write(`  ✓ ${what}\n`);
}

const isNum = (v: unknown) => typeof v === "number" && Number.isFinite(v);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function inProcess(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdeck-smoke-"));
  const { startEmbeddedPostgres } = await import("@/lib/platform/embedded-postgres");
  const { runMigrations } = await import("../lib/database");
  process.stdout.write(`Starting a temporary PostgreSQL in ${dir}…\n`);
  const started = Date.now();
  let pgHandle: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  let stopWorker: (() => Promise<void>) | null = null;
  try {
    pgHandle = await startEmbeddedPostgres({ dataDir: path.join(dir, "postgres"), port: await freePort() });
    check(true, `temporary PostgreSQL started (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    await runMigrations(pgHandle.url, { quiet: true });
    // Modules below read DATABASE_URL when they first touch the pool.
    process.env.DATABASE_URL = pgHandle.url;
    const { pool } = await import("@/lib/platform/db");
    const { enqueue } = await import("@/lib/fulfillment/queue");
    const { createWorker } = await import("@/lib/fulfillment/worker");
    const { NonRetryableError } = await import("@/lib/fulfillment/errors");
    const { healthSnapshot, metricsSnapshot, observabilitySnapshot } = await import("@/lib/fulfillment/stats");
    check(true, "temporary database migrated");

    let reserveCalls = 0;
    const worker = createWorker({
      pool: pool(), batchSize: 25, pollIntervalMs: 1_000, concurrency: 4, leaseMs: 10_000, maxAttempts: 5, backoffBaseMs: 10, backoffCapMs: 50,
      handlers: {
        noop: async () => {},
        // Fails once (retryable), then succeeds: exercises the retry path.
        reserve_inventory: async () => {
          if (reserveCalls++ === 0) throw new Error("smoke: simulated provider 503");
        },
        capture_payment: async () => {
          throw new NonRetryableError("smoke: simulated card decline");
        },
      },
    });
    stopWorker = () => worker.stop();
    await worker.start();

    const ids = await enqueue(pool(), [
      ...Array.from({ length: 20 }, (_, i) => ({ taskType: "noop", payload: { smoke: i } })),
      { taskType: "reserve_inventory", payload: { sku: "SMOKE-1", quantity: 1, warehouse: "smoke" } },
      { taskType: "capture_payment", payload: { orderReference: "SMOKE-1", amountCents: 100, currency: "EUR" } },
    ]);
    check(ids.length === 22, "enqueued 22 tasks");

    const until = Date.now() + 30_000;
    let finished = 0;
    while (Date.now() < until) {
      const { rows } = await pool().query(`SELECT count(*)::int AS n FROM fulfillment_tasks WHERE status IN ('succeeded', 'dead_lettered')`);
      finished = rows[0].n;
      if (finished === 22) break;
      await sleep(100);
    }
    check(finished === 22, "the worker finished every task within 30 s", finished);

    const health = await healthSnapshot();
    check(health.running_workers === 1 && health.workers[0]?.id === worker.id, "health lists the running worker with a heartbeat", health.workers);
    check(isNum(health.poll_interval_seconds) && isNum(health.batch_size), "health reports poll interval and batch size");

    // Loop timing reaches the database with the worker's next heartbeat (every lease/3).
    let m = await metricsSnapshot();
    for (let i = 0; i < 50 && m.timing.last_loop_at === null; i++) {
      await sleep(200);
      m = await metricsSnapshot();
    }
    check(m.processed === 23, "metrics: processed = 23 attempts (20 noop + 2 reserve + 1 capture)", m.processed);
    check(m.retried === 1 && m.failed === 2 && m.dead_lettered === 1, "metrics: 1 retried, 2 failed, 1 dead-lettered", { retried: m.retried, failed: m.failed, dead_lettered: m.dead_lettered });
    check(m.loop_errors === 0, "metrics: no loop errors", m.loop_errors);
    check(m.timing.task_duration_ms.p50 !== null && m.timing.last_loop_at !== null, "metrics: timing present", m.timing);

    const obs = await observabilitySnapshot();
    const size = Buffer.byteLength(JSON.stringify(obs));
    check(size < 1024, `observability payload is under 1 KB (${size} bytes)`);
    check(obs.totals.pending === 0 && obs.totals.running === 0 && obs.totals.dead_lettered === 1, "observability totals: queue drained, 1 dead letter", obs.totals);
    check(obs.events.last_dead_letter_task?.task_type === "capture_payment", "observability names the last dead-lettered task", obs.events.last_dead_letter_task);

    await worker.stop();
    stopWorker = null;
    const { rows } = await pool().query(`SELECT state FROM fulfillment_workers WHERE id = $1`, [worker.id]);
    check(rows[0]?.state === "stopped", "worker drained and marked itself stopped", rows[0]);
    await pool().end();
  } finally {
    await stopWorker?.().catch(() => {});
    await pgHandle?.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function remote(baseUrl: string, apiKey: string): Promise<void> {
  const base = baseUrl.replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${apiKey}` };
  const getJson = async (p: string) => {
    let res: Response;
    try {
      res = await fetch(`${base}${p}`, { headers, signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      throw new SmokeFailure(`GET ${p}: ${(err as Error).message} — is ${base} reachable?`);
    }
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new SmokeFailure(`GET ${p} answered ${res.status}: ${body?.error?.message ?? "no JSON body"}`);
    return body;
  };

  const m = await getJson("/api/v1/fulfillment/metrics");
  check(["processed", "failed", "retried", "dead_lettered", "loop_errors"].every((k) => isNum(m[k])) && typeof m.timing === "object", "metrics has processed/failed/retried/dead_lettered/loop_errors and timing");
  const h = await getJson("/api/v1/fulfillment/health");
  check(typeof h.enabled === "boolean" && isNum(h.poll_interval_seconds) && isNum(h.batch_size) && Array.isArray(h.workers) && typeof h.metrics === "object", "health has enabled, poll interval, batch size, workers and metrics");
  const res = await fetch(`${base}/api/v1/fulfillment/observability`, { headers });
  const text = await res.text();
  check(res.ok, "observability answers 200", res.status);
  const o = JSON.parse(text);
  check(["processed", "failed", "retried", "dead_lettered", "pending", "running"].every((k) => isNum(o.totals?.[k])) && typeof o.task_types === "object" && Array.isArray(o.events?.recent_failures), "observability has totals, task_types and events");
  check(Buffer.byteLength(text) < 1024, `observability payload is under 1 KB (${Buffer.byteLength(text)} bytes)`);

  const post = await fetch(`${base}/api/v1/fulfillment/tasks`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ task_type: "noop", payload: { smoke: new Date().toISOString() } }),
  });
  if (post.status === 403) {
    process.stdout.write(`  – the key lacks the "checkout" scope: read-only checks only\n`);
    return;
  }
  const created = await post.json().catch(() => null);
  check(post.status === 201 && created?.ids?.length === 1, "enqueued a noop task", created);
  if (h.running_workers === 0) {
    process.stdout.write("  – no running worker reported by health: not waiting for the task to finish\n");
    return;
  }
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const now = await getJson("/api/v1/fulfillment/metrics");
    if (now.processed > m.processed) return check(true, "a worker processed work after the enqueue");
    await sleep(1_000);
  }
  throw new SmokeFailure("no task was processed within 60 s of the enqueue although health reports running workers");
}

export function registerSmoke(program: Command): void {
  const smoke = program.command("smoke").description("Smoke checks");
  registerSmokeCheckout(smoke);
  smoke
    .command("fulfillment")
    .description("Check the fulfillment worker end to end (in-process on a temporary database, or against a deployment)")
    .option("--in-process", "run against a temporary embedded PostgreSQL")
    .option("--base-url <url>", "a running Opsdeck, e.g. https://opsdeck.example.com")
    .option("--api-key <key>", "API key with metrics:read (and checkout to also enqueue)", process.env.OPSDECK_API_KEY)
    .action(async (opts: { inProcess?: boolean; baseUrl?: string; apiKey?: string }) => {
      if (!opts.inProcess && !opts.baseUrl) throw new Error("Choose --in-process or --base-url URL --api-key KEY.");
      if (opts.baseUrl && !opts.apiKey) throw new Error("--base-url needs --api-key (or OPSDECK_API_KEY) with the metrics:read scope.");
      const t0 = Date.now();
      try {
        process.stdout.write(`Fulfillment smoke (${opts.inProcess ? "in-process" : opts.baseUrl}):\n`);
        if (opts.inProcess) await inProcess();
        else await remote(opts.baseUrl!, opts.apiKey!);
        process.stdout.write(`PASS in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
        process.exit(0);
      } catch (err) {
        process.stdout.write(`FAIL: ${(err as Error).message}\n`);
        process.exit(1);
      }
    });
}
