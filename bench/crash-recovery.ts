// Crash recovery: worker A (its own process, short lease) claims slow tasks; once it holds leases it
// is SIGKILLed (no drain, no cleanup). Worker B is started at once; we time how long until every
// task A held is finished by B, and check none is lost or completed twice.
// Run: npm run bench:crash   (env: BENCH_DATABASE_URL, BENCH_LEASE_MS, BENCH_TASK_MS, BENCH_TASKS)
import pg from "pg";
import { enqueue } from "@/lib/fulfillment/queue";
import { intEnv, machine, printJson, printTable, round, sleep, spawnTs, waitForExit, waitForMessage } from "./lib/common";
import { emptyQueueDatabase, succeededSql } from "./lib/opsdeck";

const LEASE_MS = intEnv("BENCH_LEASE_MS", 5_000);
const TASK_MS = intEnv("BENCH_TASK_MS", 2_000);
const TASKS = intEnv("BENCH_TASKS", 60);
const CONCURRENCY = 20;
const POLL_MS = 1_000;
const TIMEOUT_MS = 60_000;

function startWorker(url: string, workerId: string) {
  return spawnTs("bench/lib/worker-child.ts", [
    JSON.stringify({ url, workerId, batchSize: CONCURRENCY, concurrency: CONCURRENCY, leaseMs: LEASE_MS, pollIntervalMs: POLL_MS }),
  ]);
}

async function main() {
  const { url, db } = await emptyQueueDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await enqueue(pool, Array.from({ length: TASKS }, (_, i) => ({ taskType: "noop", payload: { i, sleepMs: TASK_MS } })));
  await pool.end();
  console.log(`crash recovery: ${TASKS} tasks of ${TASK_MS} ms, lease ${LEASE_MS} ms (heartbeat every ${Math.floor(LEASE_MS / 3)} ms), poll ${POLL_MS} ms, concurrency ${CONCURRENCY}`);

  const a = startWorker(url, "crash-A");
  await waitForMessage(a, "started");
  // Let A claim, run and renew at least once, so the kill lands mid-task with live leases.
  const heldSince = performance.now();
  for (;;) {
    const { rows } = await db.query("select count(*)::int as n from fulfillment_tasks where lease_owner = 'crash-A' and status = 'running'");
    if (rows[0].n >= CONCURRENCY) break;
    if (performance.now() - heldSince > 20_000) throw new Error("worker A never held a full batch of leases");
    await sleep(20);
  }
  await sleep(Math.min(TASK_MS / 2, LEASE_MS / 3 + 100));

  a.kill("SIGKILL");
  const killedAt = performance.now();
  await waitForExit(a);
  const { rows: heldRows } = await db.query<{ id: string; lease_expires_at: Date }>(
    "select id, lease_expires_at from fulfillment_tasks where lease_owner = 'crash-A' and status = 'running' order by id",
  );
  const held = heldRows.map((r) => r.id);
  const leaseLeftMs = heldRows.length ? Math.max(...heldRows.map((r) => r.lease_expires_at.getTime())) - Date.now() : 0;
  console.log(`SIGKILLed worker A holding ${held.length} leases (latest expires in ~${Math.round(leaseLeftMs)} ms)`);

  const b = startWorker(url, "crash-B");
  await waitForMessage(b, "started");
  let firstReclaimMs: number | null = null;
  let allReclaimedMs: number | null = null;
  let allDoneMs: number | null = null;
  let remaining = held.length;
  while (performance.now() - killedAt < TIMEOUT_MS) {
    const { rows } = await db.query<{ reclaimed: number; done: number }>(
      `select (select count(*) filter (where lease_owner is distinct from 'crash-A' or status <> 'running')::int
                 from fulfillment_tasks where id = any($1::bigint[])) + done as reclaimed, done
         from (${succeededSql("$1::bigint[]")}) d(done)`,
      [held],
    );
    const t = performance.now() - killedAt;
    if (firstReclaimMs === null && rows[0].reclaimed > 0) firstReclaimMs = t;
    if (allReclaimedMs === null && rows[0].reclaimed === held.length) allReclaimedMs = t;
    remaining = held.length - rows[0].done;
    if (remaining === 0) {
      allDoneMs = t;
      break;
    }
    await sleep(25);
  }
  // Let B finish the rest of the queue too, then check the whole history.
  const tailStart = performance.now();
  for (;;) {
    const { rows } = await db.query("select count(*)::int as n from fulfillment_tasks");
    if (rows[0].n === 0 || performance.now() - tailStart > TIMEOUT_MS) break;
    await sleep(100);
  }
  b.send({ type: "stop" });
  await waitForMessage(b, "stopped", 30_000).catch(() => null);
  await waitForExit(b);

  const { rows: check } = await db.query(
    `select (${succeededSql()}) as succeeded,
            cardinality($1::bigint[]) - (${succeededSql("$1::bigint[]")}) as lost,
            (select count(*)::int from (select task_id from fulfillment_attempts where outcome = 'succeeded' group by task_id having count(*) > 1) d) as completed_twice,
            (select count(*)::int from fulfillment_attempts where task_id = any($1::bigint[]) and outcome = 'lease_expired' and worker_id = 'crash-A') as lease_expired_attempts,
            (select count(*)::int from fulfillment_attempts where task_id = any($1::bigint[]) and outcome = 'succeeded' and worker_id = 'crash-B') as finished_by_b,
            (select count(*)::int from fulfillment_tasks where status = 'running') as attempts_left_running`,
    [held],
  );
  const c = check[0];
  await db.end();
  const env = await machine(url);
  const s = (ms: number | null) => (ms === null ? "timeout" : round(ms / 1000, 2));
  printTable([
    {
      "leases held at kill": held.length,
      "first reclaimed s": s(firstReclaimMs),
      "all reclaimed s": s(allReclaimedMs),
      "all finished elsewhere s": s(allDoneMs),
      lost: c.lost,
      "completed twice": c.completed_twice,
      "lease_expired attempts": c.lease_expired_attempts,
      "finished by B": c.finished_by_b,
    },
  ]);
  const ok = allDoneMs !== null && c.lost === 0 && c.completed_twice === 0 && c.finished_by_b === held.length;
  console.log(
    `recovery ${s(allDoneMs)} s after SIGKILL (aim ≤ 10 s; includes the ${TASK_MS} ms task re-run), lost ${c.lost}, completed twice ${c.completed_twice} → ${ok && allDoneMs! <= 10_000 ? "MET" : "NOT MET"}`,
  );
  if (!ok) process.exitCode = 1;
  printJson("crash-recovery", {
    machine: env,
    leaseMs: LEASE_MS,
    taskMs: TASK_MS,
    pollIntervalMs: POLL_MS,
    leasesHeldAtKill: held.length,
    firstReclaimMs,
    allReclaimedMs,
    allFinishedMs: allDoneMs,
    ...c,
    totalTasks: TASKS,
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
