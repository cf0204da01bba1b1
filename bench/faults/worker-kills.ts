// Fault (a) of the reliability suite: random SIGKILLs of worker processes during a large run.
// BENCH_WORKERS worker processes (own processes, short lease) drain BENCH_TASKS tasks of
// BENCH_TASK_MS each; every BENCH_KILL_EVERY_MS (± half) a random live worker is SIGKILLed and a
// fresh one started in its place, BENCH_KILLS times. Then: lost (tasks not succeeded), completed
// twice (two succeeded attempts for one task), attempts left open, and the time to drain.
// Run: npm run bench:faults:kills   (env: BENCH_DATABASE_URL and the BENCH_* knobs below)
import type { ChildProcess } from "node:child_process";
import pg from "pg";
import { enqueue } from "@/lib/fulfillment/queue";
import { intEnv, machine, printJson, printTable, round, sleep, spawnTs, waitForExit, waitForMessage } from "../lib/common";
import { emptyQueueDatabase, queueOutcome } from "../lib/opsdeck";

const TASKS = intEnv("BENCH_TASKS", 100_000);
const WORKERS = intEnv("BENCH_WORKERS", 4);
const KILLS = intEnv("BENCH_KILLS", 100);
const KILL_EVERY_MS = intEnv("BENCH_KILL_EVERY_MS", 250);
const TASK_MS = intEnv("BENCH_TASK_MS", 5);
const LEASE_MS = intEnv("BENCH_LEASE_MS", 3_000);
const CONCURRENCY = intEnv("BENCH_CONCURRENCY", 25);
const DRAIN_TIMEOUT_MS = intEnv("BENCH_DRAIN_TIMEOUT_MS", 900_000);
// The queue dead-letters a task whose lease expired on its last allowed attempt (a poison task that
// kills its workers). Random kills land on the same tasks again and again (expired tasks are
// reclaimed first, by the replacement that is itself killed next), so the default 5 attempts
// would turn crash victims into dead letters; this run measures crash safety, so it allows more.
const MAX_ATTEMPTS = intEnv("BENCH_MAX_ATTEMPTS", 25);

interface Worker {
  id: string;
  child: ChildProcess;
  ready: boolean;
}

let generation = 0;
function startWorker(url: string): Worker {
  const id = `kill-${++generation}`;
  const child = spawnTs("bench/lib/worker-child.ts", [
    JSON.stringify({ url, workerId: id, batchSize: CONCURRENCY, concurrency: CONCURRENCY, leaseMs: LEASE_MS, pollIntervalMs: 500 }),
  ]);
  const worker: Worker = { id, child, ready: false };
  waitForMessage(child, "started").then(
    () => (worker.ready = true),
    () => {},
  );
  return worker;
}

async function main() {
  const { url, db } = await emptyQueueDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  for (let i = 0; i < TASKS; i += 5_000) {
    await enqueue(pool, Array.from({ length: Math.min(5_000, TASKS - i) }, (_, j) => ({ taskType: "noop", payload: { i: i + j, sleepMs: TASK_MS }, maxAttempts: MAX_ATTEMPTS })));
  }
  await pool.end();
  console.log(`worker kills: ${TASKS} tasks of ${TASK_MS} ms, ${WORKERS} workers × concurrency ${CONCURRENCY}, lease ${LEASE_MS} ms, ${KILLS} SIGKILLs about every ${KILL_EVERY_MS} ms`);

  const live = Array.from({ length: WORKERS }, () => startWorker(url));
  await Promise.all(live.map((w) => waitForMessage(w.child, "started")));
  live.forEach((w) => (w.ready = true));
  const started = performance.now();
  let kills = 0;
  while (kills < KILLS) {
    await sleep(KILL_EVERY_MS / 2 + Math.random() * KILL_EVERY_MS);
    const { rows } = await db.query<{ n: number }>("select count(*)::int as n from fulfillment_tasks");
    if (rows[0].n === 0) break; // drained before all kills landed: the run is too short for the kill rate
    // Only workers that are up (claiming) are killed; a replacement starts at once, without
    // waiting for it, so kills keep landing while processes come and go.
    const ready = live.filter((w) => w.ready);
    if (ready.length === 0) continue;
    const victim = ready[Math.floor(Math.random() * ready.length)];
    live.splice(live.indexOf(victim), 1);
    victim.child.kill("SIGKILL");
    await waitForExit(victim.child);
    kills++;
    live.push(startWorker(url));
  }
  const killsDoneMs = performance.now() - started;
  let drainedMs: number | null = null;
  for (;;) {
    // Drained: nothing left to run (a dead letter is finished work, reported below).
    const { rows } = await db.query<{ n: number }>("select count(*)::int as n from fulfillment_tasks where status <> 'dead_lettered'");
    if (rows[0].n === 0) {
      drainedMs = performance.now() - started;
      break;
    }
    if (performance.now() - started > DRAIN_TIMEOUT_MS) break;
    await sleep(100);
  }
  for (;;) {
    if (live.every((w) => w.ready) || performance.now() - started > DRAIN_TIMEOUT_MS) break;
    await sleep(100);
  }
  for (const w of live) w.child.send({ type: "stop" });
  await Promise.all(live.map((w) => waitForMessage(w.child, "stopped", 30_000).catch(() => null)));
  await Promise.all(live.map((w) => waitForExit(w.child)));

  const c = await queueOutcome(db, TASKS);
  await db.end();
  const env = await machine(url);
  printTable([
    {
      tasks: TASKS,
      kills,
      "kills over s": round(killsDoneMs / 1000, 1),
      "drained in s": drainedMs === null ? "timeout" : round(drainedMs / 1000, 1),
      lost: c.lost,
      "completed twice": c.completed_twice,
      "dead-lettered": c.dead_lettered,
      "re-run after a kill": c.lease_expired_attempts,
      "most attempts": c.most_attempts,
      "attempts left open": c.left_running,
    },
  ]);
  const ok = drainedMs !== null && c.lost === 0 && c.dead_lettered === 0 && c.completed_twice === 0 && c.left_running === 0 && kills === KILLS;
  console.log(`${kills} SIGKILLs: lost ${c.lost}, dead-lettered ${c.dead_lettered}, completed twice ${c.completed_twice} → ${ok ? "MET" : "NOT MET"}`);
  if (!ok) process.exitCode = 1;
  printJson("fault-worker-kills", { machine: env, tasks: TASKS, workers: WORKERS, kills, taskMs: TASK_MS, leaseMs: LEASE_MS, concurrency: CONCURRENCY, maxAttempts: MAX_ATTEMPTS, killsDoneMs, drainedMs, ...c });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
