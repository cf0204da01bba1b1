// No-op tasks per second with 1 and 4 worker processes: our queue side by side with graphile-worker
// and pg-boss on the same PostgreSQL server (each in its own database), same task count, tasks
// pre-enqueued in bulk. Run: npm run bench:throughput   (env: BENCH_DATABASE_URL, BENCH_TASKS,
// BENCH_PROCESSES, BENCH_CONCURRENCY, BENCH_BATCH, BENCH_SYSTEMS, BENCH_ROUNDS, BENCH_TIMEOUT_SECONDS)
// Rounds interleave the systems (ours, graphile-worker, pg-boss, ours, …) so a noisy neighbour on
// the machine hits all of them alike; the summary reports each system's median round.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import pg from "pg";
import {
  benchUrl,
  ensureDatabase,
  ensureOpsdeckDatabase,
  intEnv,
  machine,
  printJson,
  printTable,
  round,
  siblingUrl,
  sleep,
  spawnTs,
  waitForExit,
  waitForMessage,
} from "./lib/common";
import { graphile, graphileSettings, pgBoss, pgBossSettings, type ThroughputKnobs } from "./lib/competitors";
import { opsdeck, opsdeckSettings } from "./lib/opsdeck";

const TASKS = intEnv("BENCH_TASKS", 20_000);
const PROCESSES = (process.env.BENCH_PROCESSES ?? "1,4").split(",").map(Number);
const KNOBS: ThroughputKnobs = { concurrency: intEnv("BENCH_CONCURRENCY", 10), batchSize: intEnv("BENCH_BATCH", 100) };
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? "opsdeck,graphile-worker,pg-boss").split(",");
const TIMEOUT_MS = intEnv("BENCH_TIMEOUT_SECONDS", 180) * 1000;
const ROUNDS = intEnv("BENCH_ROUNDS", 3);
const ENQUEUE_CHUNK = 5_000;
if (PROCESSES.some((p) => !Number.isInteger(p) || p < 1 || p > 4)) throw new Error("BENCH_PROCESSES: worker process counts must be 1..4 (2-core machine)");

interface Target {
  name: string;
  url: string;
  reset(): Promise<void>;
  enqueue(): Promise<void>;
  remaining(c: pg.Client): Promise<number>;
  analyzeSql: string;
  settings: object;
}

const base = benchUrl();
const targets: Record<string, Target> = {
  opsdeck: {
    name: "opsdeck",
    url: base,
    reset: () => withClient(base, (c) => opsdeck.reset(c)),
    enqueue: () => opsdeck.enqueue(base, TASKS, ENQUEUE_CHUNK),
    remaining: (c) => opsdeck.remaining(c),
    analyzeSql: opsdeck.analyzeSql,
    settings: opsdeckSettings(KNOBS),
  },
  "graphile-worker": {
    name: "graphile-worker",
    url: siblingUrl(base, "graphile"),
    reset: () => graphile.reset(siblingUrl(base, "graphile")),
    enqueue: () => graphile.enqueue(siblingUrl(base, "graphile"), TASKS, ENQUEUE_CHUNK),
    remaining: (c) => graphile.remaining(c),
    analyzeSql: graphile.analyzeSql,
    settings: graphileSettings(KNOBS),
  },
  "pg-boss": {
    name: "pg-boss",
    url: siblingUrl(base, "pgboss"),
    reset: () => pgBoss.reset(siblingUrl(base, "pgboss")),
    enqueue: () => pgBoss.enqueue(siblingUrl(base, "pgboss"), TASKS, ENQUEUE_CHUNK),
    remaining: (c) => pgBoss.remaining(c),
    analyzeSql: pgBoss.analyzeSql,
    settings: pgBossSettings(KNOBS),
  },
};

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

interface RunResult {
  round: number;
  system: string;
  processes: number;
  tasks: number;
  enqueuePerSec: number;
  seconds: number;
  tasksPerSec: number;
  handled: number;
  remaining: number;
  /** "go" → first handler call in the fastest process */
  firstTaskMs: number;
  /** Machine CPU (user + system, all processes: workers, PostgreSQL, this script) per task, from /proc/stat */
  cpuUsPerTask: number | null;
  /** The worker processes' own CPU (process.cpuUsage from "go" to stop, drain included) per task; the rest of cpuUsPerTask is mostly PostgreSQL */
  workerCpuUsPerTask: number | null;
  /** CPU stolen by the hypervisor during the run, as a share of the run's CPU time: high means a noisy neighbour */
  stealPct: number | null;
  /** ours only: rows in fulfillment_attempts after the run (must equal tasks) */
  attemptRows?: number;
}

async function runOne(t: Target, processes: number, roundNo: number): Promise<RunResult> {
  await t.reset();
  const e0 = performance.now();
  await t.enqueue();
  const enqueueMs = performance.now() - e0;
  await withClient(t.url, async (c) => {
    await c.query(t.analyzeSql);
    await c.query("checkpoint");
  });

  const children: ChildProcess[] = [];
  const counts = new Map<number, number>();
  for (let i = 0; i < processes; i++) {
    const child = spawnTs("bench/lib/throughput-child.ts", [t.name, JSON.stringify({ url: t.url, knobs: KNOBS, workerId: `bench-${t.name}-${i}` })]);
    child.on("message", (m: { type: string; n?: number }) => {
      if (m.type === "count") counts.set(i, m.n ?? 0);
    });
    children.push(child);
  }
  await Promise.all(children.map((c) => waitForMessage(c, "ready")));

  const monitor = new pg.Client({ connectionString: t.url });
  await monitor.connect();
  const cpu0 = machineCpu();
  const t0 = performance.now();
  for (const c of children) c.send({ type: "go" });
  let remaining = TASKS;
  let lastDbCheck = 0;
  // Cheap IPC counts tell us when the handlers are nearly done; then the database is asked often
  // until every job is recorded as completed (that, not the handler return, is the finish line).
  while (performance.now() - t0 < TIMEOUT_MS) {
    const handled = [...counts.values()].reduce((s, n) => s + n, 0);
    const now = performance.now();
    if (handled >= TASKS || now - lastDbCheck > 1000) {
      lastDbCheck = now;
      remaining = await t.remaining(monitor);
      if (remaining === 0) break;
    }
    await sleep(handled >= TASKS ? 5 : 20);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = machineCpu();
  await monitor.end();

  for (const c of children) c.send({ type: "stop" });
  const stopped = await Promise.all(children.map((c) => waitForMessage<{ firstTaskMs: number | null; cpuUs?: number }>(c, "stopped", 30_000).catch(() => null)));
  await Promise.all(children.map((c) => waitForExit(c, 10_000)));
  const handled = [...counts.values()].reduce((s, n) => s + n, 0);
  return {
    round: roundNo,
    system: t.name,
    processes,
    tasks: TASKS,
    enqueuePerSec: Math.round(TASKS / (enqueueMs / 1000)),
    seconds: round(seconds, 2),
    tasksPerSec: remaining === 0 ? Math.round(TASKS / seconds) : 0,
    handled,
    remaining,
    // Worker start-up is inside `seconds` for every system; this shows how much of it it was.
    firstTaskMs: round(Math.min(...stopped.map((m) => m?.firstTaskMs ?? Infinity)), 0),
    cpuUsPerTask: cpu0 && cpu1 ? Math.round(((cpu1.busy - cpu0.busy) * 1e6) / cpu0.hz / TASKS) : null,
    workerCpuUsPerTask: stopped.every((m) => typeof m?.cpuUs === "number") ? Math.round(stopped.reduce((sum, m) => sum + m!.cpuUs!, 0) / TASKS) : null,
    stealPct: cpu0 && cpu1 ? round((100 * (cpu1.steal - cpu0.steal)) / Math.max(1, cpu1.total - cpu0.total), 1) : null,
  };
}

/** Jiffies from /proc/stat's first line (Linux only; null elsewhere). */
function machineCpu(): { busy: number; steal: number; total: number; hz: number } | null {
  try {
    const [, user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
    const busy = user + nice + system + irq + softirq;
    return { busy, steal, total: busy + idle + iowait + steal, hz: 100 };
  } catch {
    return null;
  }
}

async function main() {
  for (const s of SYSTEMS) if (!targets[s]) throw new Error(`BENCH_SYSTEMS: unknown system "${s}"`);
  console.log(
    `throughput: ${TASKS} no-op tasks, worker processes ${PROCESSES.join(" and ")}, per process concurrency ${KNOBS.concurrency}, batch ${KNOBS.batchSize}, ${ROUNDS} round(s)`,
  );
  if (SYSTEMS.includes("opsdeck")) await ensureOpsdeckDatabase(base);
  if (SYSTEMS.includes("graphile-worker")) {
    await ensureDatabase(targets["graphile-worker"].url);
    await graphile.setup(targets["graphile-worker"].url);
  }
  if (SYSTEMS.includes("pg-boss")) {
    await ensureDatabase(targets["pg-boss"].url);
    await pgBoss.setup(targets["pg-boss"].url);
  }
  const env = await machine(base);
  console.log("machine:", JSON.stringify(env));
  for (const s of SYSTEMS) console.log(`settings ${s}:`, JSON.stringify(targets[s].settings));

  const results: RunResult[] = [];
  for (let n = 1; n <= ROUNDS; n++) {
    for (const p of PROCESSES) {
      for (const s of SYSTEMS) {
        const r = await runOne(targets[s], p, n);
        results.push(r);
        console.log(`  round ${n}: ${s} × ${p} process(es): ${r.tasksPerSec} tasks/s (${r.seconds} s, handled ${r.handled}, remaining ${r.remaining}; CPU ${r.cpuUsPerTask} µs/task of which workers ${r.workerCpuUsPerTask}, steal ${r.stealPct} %)`);
        if (s === "opsdeck") {
          const history = await withClient(base, (c) => opsdeck.verify(c));
          console.log(`    attempt history: ${JSON.stringify(history)}`);
          if (history.attempts !== TASKS || history.succeeded_attempts !== TASKS || history.succeeded_tasks !== TASKS || history.left_in_queue !== 0) {
            console.error(`    ATTEMPT HISTORY MISMATCH: expected ${TASKS} succeeded attempts of ${TASKS} distinct tasks and an empty queue`);
            process.exitCode = 1;
          }
          r.attemptRows = history.attempts;
        }
      }
    }
  }

  /** The median round (a timed-out round counts as 0 tasks/s). */
  const rate = (s: string, p: number) => {
    const rates = results.filter((r) => r.system === s && r.processes === p).map((r) => r.tasksPerSec).sort((a, b) => a - b);
    return rates.length ? rates[Math.floor((rates.length - 1) / 2)] : 0;
  };
  const cpu = (s: string, p: number) => {
    const us = results.filter((r) => r.system === s && r.processes === p && r.cpuUsPerTask !== null).map((r) => r.cpuUsPerTask!).sort((a, b) => a - b);
    return us.length ? us[Math.floor((us.length - 1) / 2)] : "n/a";
  };
  const rows = PROCESSES.map((p) => {
    const row: Record<string, string | number> = { processes: p };
    for (const s of SYSTEMS) row[`${s} tasks/s`] = rate(s, p);
    // Throughput swings with the neighbours on a shared machine; the CPU each task costs much less.
    for (const s of SYSTEMS) row[`${s} CPU µs/task`] = cpu(s, p);
    if (SYSTEMS.includes("opsdeck")) {
      const attemptRows = results.filter((r) => r.system === "opsdeck" && r.processes === p).map((r) => r.attemptRows ?? 0);
      row["opsdeck attempt rows / tasks"] = attemptRows.every((n) => n === TASKS) ? `${TASKS} / ${TASKS} (every round)` : attemptRows.join(", ");
      for (const s of SYSTEMS.filter((x) => x !== "opsdeck")) row[`ours / ${s}`] = rate(s, p) ? round(rate("opsdeck", p) / rate(s, p), 2) : "n/a";
    }
    return row;
  });
  console.log("");
  printTable(results.map((r) => ({ ...r, attemptRows: r.attemptRows ?? "-", cpuUsPerTask: r.cpuUsPerTask ?? "-", workerCpuUsPerTask: r.workerCpuUsPerTask ?? "-", stealPct: r.stealPct ?? "-" })));
  console.log(`\nmedian of ${ROUNDS} round(s):`);
  printTable(rows);
  printJson("throughput", {
    machine: env,
    tasks: TASKS,
    knobs: KNOBS,
    settings: Object.fromEntries(SYSTEMS.map((s) => [s, targets[s].settings])),
    results,
    summary: rows,
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
