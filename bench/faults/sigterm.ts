// Fault (c) of the reliability suite: SIGTERM to a standalone worker process (`bin/opsdeck worker`)
// in the middle of work. Its provider (a local stub HTTP server) answers each call after
// BENCH_CALL_MS, so at the signal the worker holds in-flight calls. Aim: the process exits within
// 10 s, every task it held is finished or released (none left 'running' under its lease), lost 0.
// Run: npm run bench:faults:sigterm   (env: BENCH_DATABASE_URL, BENCH_CALL_MS, BENCH_TASKS)
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { enqueue } from "@/lib/fulfillment/queue";
import { intEnv, machine, printJson, printTable, round, sleep } from "../lib/common";
import { emptyQueueDatabase, succeededSql } from "../lib/opsdeck";

const CALL_MS = intEnv("BENCH_CALL_MS", 3_000);
const TASKS = intEnv("BENCH_TASKS", 200);
const CONCURRENCY = 10;

async function main() {
  const { url, db } = await emptyQueueDatabase();
  const provider = http.createServer((req, res) => {
    req.resume();
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end("{}"), CALL_MS);
  });
  await new Promise<void>((r) => provider.listen(0, "127.0.0.1", r));
  const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await enqueue(pool, Array.from({ length: TASKS }, (_, i) => ({ taskType: "reserve_inventory", payload: { sku: `SKU-${i}`, quantity: 1, warehouse: "bench" } })));
  await pool.end();

  const worker = spawn("bin/opsdeck", ["worker"], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      OPSDECK_DEMO: "false",
      FULFILLMENT_WORKER_ENABLED: "true",
      FULFILLMENT_PROVIDER_URL: providerUrl,
      FULFILLMENT_PROVIDER_TIMEOUT_MS: String(CALL_MS * 4),
      FULFILLMENT_CONCURRENCY: String(CONCURRENCY),
      FULFILLMENT_BATCH_SIZE: String(CONCURRENCY),
      ALERT_EVALUATOR_ENABLED: "false",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => worker.on("exit", (code) => resolve(code)));
  // Wait until the worker holds a full set of in-flight calls, then a little into them.
  const waitStart = performance.now();
  for (;;) {
    const { rows } = await db.query<{ n: number }>("select count(*)::int as n from fulfillment_tasks where status = 'running'");
    if (rows[0].n >= CONCURRENCY) break;
    if (performance.now() - waitStart > 120_000) throw new Error("the worker never held a full set of tasks; is it starting?");
    await sleep(50);
  }
  await sleep(CALL_MS / 3);
  const { rows: heldRows } = await db.query<{ id: string; lease_owner: string }>("select id, lease_owner from fulfillment_tasks where status = 'running'");
  const held = heldRows.map((r) => r.id);
  worker.kill("SIGTERM");
  const signalled = performance.now();
  const code = await Promise.race([exited, sleep(60_000).then(() => "timeout" as const)]);
  const exitMs = performance.now() - signalled;
  if (code === "timeout") worker.kill("SIGKILL");
  provider.close();

  const { rows: check } = await db.query(
    `select (${succeededSql("$1::bigint[]")}) as finished, released, left_running, lost
       from (select count(*) filter (where status in ('pending', 'retry_scheduled'))::int as released,
                    count(*) filter (where status = 'running')::int as left_running,
                    count(*) filter (where status in ('dead_lettered', 'discarded'))::int as lost
               from fulfillment_tasks where id = any($1::bigint[])) t`,
    [held],
  );
  // A running attempt lives on its task row (lib/fulfillment/queue.ts), so left_running covers open attempts.
  const c = check[0];
  await db.end();
  const env = await machine(url);
  printTable([
    {
      "in flight at SIGTERM": held.length,
      "exit code": String(code),
      "exited after s": round(exitMs / 1000, 2),
      finished: c.finished,
      released: c.released,
      "left running": c.left_running,
      lost: c.lost,
    },
  ]);
  const ok = code === 0 && exitMs <= 10_000 && c.left_running === 0 && c.lost === 0 && c.finished + c.released === held.length;
  console.log(`SIGTERM with ${held.length} calls of ${CALL_MS} ms in flight: exited in ${round(exitMs / 1000, 2)} s (aim ≤ 10 s), left running ${c.left_running}, lost ${c.lost} → ${ok ? "MET" : "NOT MET"}`);
  if (!ok) process.exitCode = 1;
  printJson("fault-sigterm", { machine: env, callMs: CALL_MS, concurrency: CONCURRENCY, held: held.length, exitCode: code, exitMs, ...c });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
