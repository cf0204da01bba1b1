// Where a worker's time goes: times claim() and complete() round trips of the production queue SQL
// over a pre-filled queue, and prints EXPLAIN (ANALYZE, BUFFERS) of one claim and one complete.
// Run: npm run bench:profile   (env: BENCH_DATABASE_URL, BENCH_TASKS, BENCH_BATCH)
import pg from "pg";
import { claim, complete } from "@/lib/fulfillment/queue";
import { benchUrl, ensureOpsdeckDatabase, intEnv, printJson, printTable, round, summarize } from "./lib/common";
import { opsdeck } from "./lib/opsdeck";

const TASKS = intEnv("BENCH_TASKS", 20_000);
const BATCH = intEnv("BENCH_BATCH", 100);
const WORKER = "bench-profile";

/** The statement text a function sends, captured on a throwaway client that records queries (rolled back). */
async function capture(url: string, run: (c: pg.PoolClient) => Promise<unknown>): Promise<{ text: string; values: unknown[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const original = client.query.bind(client) as (query: string | pg.QueryConfig, values?: unknown[]) => Promise<pg.QueryResult>;
  let seen: { text: string; values: unknown[] } | null = null;
  // Plain (text, values) calls and named prepared statements ({ name, text, values }) alike.
  (client as unknown as { query: unknown }).query = (query: string | pg.QueryConfig, values?: unknown[]) => {
    if (!seen) seen = typeof query === "string" ? { text: query, values: values ?? [] } : { text: query.text, values: query.values ?? [] };
    return original(query, values);
  };
  try {
    await original("begin");
    await run(client as unknown as pg.PoolClient);
  } finally {
    await original("rollback");
    await client.end();
  }
  if (!seen) throw new Error("no statement captured");
  return seen;
}

async function explain(pool: pg.Pool, stmt: { text: string; values: unknown[] }): Promise<string> {
  const c = await pool.connect();
  try {
    await c.query("begin");
    const { rows } = await c.query(`explain (analyze, buffers, timing on, summary on) ${stmt.text}`, stmt.values);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  } finally {
    await c.query("rollback");
    c.release();
  }
}

async function main() {
  const url = benchUrl();
  await ensureOpsdeckDatabase(url);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await opsdeck.reset(admin);
  await opsdeck.enqueue(url, TASKS, 5_000);
  await admin.query(opsdeck.analyzeSql);
  await admin.query("checkpoint");

  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const claimStmt = await capture(url, (c) => claim(c, WORKER, BATCH, 30_000));
  console.log(`EXPLAIN claim of ${BATCH} (queue of ${TASKS} pending):\n${await explain(pool, claimStmt)}\n`);

  // One real claim to have tasks to complete, then EXPLAIN its completion inside a rolled-back transaction.
  const sample = await claim(pool, WORKER, BATCH, 30_000);
  const completeStmt = await capture(url, (c) => complete(c, WORKER, sample.map((t) => ({ id: t.id, durationMs: 0 }))));
  console.log(`EXPLAIN complete of ${sample.length}:\n${await explain(pool, completeStmt)}\n`);
  await complete(pool, WORKER, sample.map((t) => ({ id: t.id, durationMs: 0 })));

  const claimMs: number[] = [];
  const completeMs: number[] = [];
  const t0 = performance.now();
  let done = sample.length;
  for (;;) {
    const a = performance.now();
    const tasks = await claim(pool, WORKER, BATCH, 30_000);
    const b = performance.now();
    if (!tasks.length) break;
    await complete(pool, WORKER, tasks.map((t) => ({ id: t.id, durationMs: 0 })));
    const c = performance.now();
    claimMs.push(b - a);
    completeMs.push(c - b);
    done += tasks.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cs = summarize(claimMs);
  const ps = summarize(completeMs);
  console.log(`sequential claim+complete loop, one connection, batch ${BATCH}: ${done} tasks in ${round(seconds, 2)} s = ${Math.round(done / seconds)} tasks/s`);
  printTable([
    { statement: "claim", n: cs.n, "mean ms": round(cs.mean, 2), "p50 ms": round(cs.p50, 2), "p95 ms": round(cs.p95, 2), "per task µs": round((cs.mean * 1000) / BATCH, 1) },
    { statement: "complete", n: ps.n, "mean ms": round(ps.mean, 2), "p50 ms": round(ps.p50, 2), "p95 ms": round(ps.p95, 2), "per task µs": round((ps.mean * 1000) / BATCH, 1) },
  ]);
  printJson("queue-profile", { tasks: TASKS, batch: BATCH, tasksPerSec: Math.round(done / seconds), claim: cs, complete: ps });
  await pool.end();
  await admin.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
