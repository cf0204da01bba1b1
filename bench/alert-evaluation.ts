// Alert evaluation at production size: one evaluation tick of every rule over 10M attempt rows,
// each signal on its own, and the time from a triggering event (a task dead-lettered) to the
// alert being `firing` with the real leader-elected evaluator loop.
// Run: node --conditions=react-server --import tsx bench/alert-evaluation.ts
// Env: BENCH_ALERT_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/opsdeck_alert_bench),
//      BENCH_ATTEMPTS (10000000), BENCH_TASKS (1000000), BENCH_TICKS (30), BENCH_TRIGGERS (4),
//      ALERT_EVALUATION_INTERVAL_SECONDS (15, the production default).
import pg from "pg";
import { ensureOpsdeckDatabase, intEnv, printTable, round, summarize } from "./lib/common";

const URL = process.env.BENCH_ALERT_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/opsdeck_alert_bench";
const ATTEMPTS = intEnv("BENCH_ATTEMPTS", 10_000_000);
const TASKS = intEnv("BENCH_TASKS", 1_000_000);
const TICKS = intEnv("BENCH_TICKS", 30);
const TRIGGERS = Number(process.env.BENCH_TRIGGERS ?? 4);
const INTERVAL_S = Number(process.env.ALERT_EVALUATION_INTERVAL_SECONDS ?? 15);

async function fill(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ n: string }>("select count(*) as n from fulfillment_attempts");
  if (Number(rows[0].n) >= ATTEMPTS) {
    console.log(`reusing ${Number(rows[0].n).toLocaleString()} attempt rows`);
    return;
  }
  console.log(`generating ${TASKS.toLocaleString()} tasks and ${ATTEMPTS.toLocaleString()} attempts (30 days, ending 10 minutes ago)…`);
  const t0 = Date.now();
  await client.query("truncate fulfillment_attempts, fulfillment_tasks restart identity cascade");
  // History ends 10 minutes ago so that no rule fires at baseline; the trigger test adds "now".
  await client.query(
    `insert into fulfillment_tasks (task_type, payload, status, attempts, run_at, created_at, updated_at, finished_at, dead_lettered_at)
     select 'bench', '{}'::jsonb,
            (case when g % 100 = 0 then 'dead_lettered' when g % 100 = 1 then 'retry_scheduled' else 'succeeded' end)::task_status,
            1 + g % 5, ts, ts, ts, ts,
            case when g % 100 = 0 then ts end
       from (select g, now() - interval '10 minutes' - (g::float8 / $1) * interval '30 days' as ts from generate_series(1, $1::int) g) s`,
    [TASKS],
  );
  await client.query(
    `insert into fulfillment_attempts (task_id, attempt, task_type, worker_id, started_at, finished_at, outcome, duration_ms, backoff_ms)
     select 1 + g % $2, 1 + g % 5, 'bench', 'bench-w' || (g % 8), ts, ts,
            (case when g % 200 = 0 then 'dead_lettered' when g % 25 = 0 then 'failed' else 'succeeded' end)::attempt_outcome,
            20 + g % 300,
            case when g % 25 = 0 and g % 200 <> 0 then 1000 end
       from (select g, now() - interval '10 minutes' - (g::float8 / $1) * interval '30 days' as ts from generate_series(1, $1::int) g) s`,
    [ATTEMPTS, TASKS],
  );
  // As the queue does it: succeeded tasks have left the queue table (their attempts are their record).
  await client.query("delete from fulfillment_tasks where status = 'succeeded'");
  await client.query("insert into fulfillment_workers (id, hostname, pid, settings, loop_errors) values ('bench-w', 'bench', 1, '{}', 0) on conflict do nothing");
  // Autovacuum would get here in production; without it the visibility map is empty and counts
  // cannot use index-only scans.
  await client.query("vacuum analyze fulfillment_tasks");
  await client.query("vacuum analyze fulfillment_attempts");
  console.log(`generated in ${round((Date.now() - t0) / 1000)} s`);
}

async function main() {
  await ensureOpsdeckDatabase(URL);
  process.env.DATABASE_URL = URL;
  process.env.LOG_LEVEL ??= "warn";
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  await fill(client);
  await client.query("truncate alert_instances, alert_events, alert_samples, alert_counter_snapshots, alert_evaluator_leader cascade");

  const { evaluateAll, evaluateRule, AlertEvaluator } = await import("@/lib/alerting/evaluator");
  const { allRules, signals } = await import("@/lib/alerting/registry");
  const { pool } = await import("@/lib/platform/db");
  const rules = allRules();

  // 1. One tick of all rules (evaluate + persist), warmed up.
  for (let i = 0; i < 3; i++) await evaluateAll(new Date(), rules);
  const ticks: number[] = [];
  for (let i = 0; i < TICKS; i++) ticks.push((await evaluateAll(new Date(), rules)).ms);
  const tick = summarize(ticks);

  // 2. Each signal alone, over its rule's window (5 min).
  const perSignal: Record<string, string | number>[] = [];
  for (const s of signals) {
    const times: number[] = [];
    let value: number | null = null;
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      value = await s.evaluate({ now: new Date(), pool: pool() }, 300);
      times.push(performance.now() - t);
    }
    const sm = summarize(times);
    perSignal.push({ signal: s.name, value: value ?? "null", p50_ms: round(sm.p50, 2), max_ms: round(sm.max, 2) });
  }

  // 2b. Each rule's evaluation alone (signal or multi-signal condition), without persistence.
  const perRule: Record<string, string | number>[] = [];
  for (const r of rules) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await evaluateRule(r, new Date());
      times.push(performance.now() - t);
    }
    const sm = summarize(times);
    perRule.push({ rule: r.name, p50_ms: round(sm.p50, 2), max_ms: round(sm.max, 2) });
  }

  // 3. Trigger → firing with the real evaluator loop at the configured interval.
  const ev = new AlertEvaluator({ id: "bench", intervalMs: INTERVAL_S * 1000, notify: false });
  ev.start();
  const latencies: number[] = [];
  try {
    for (let i = 0; i < TRIGGERS; i++) {
      // Random phase relative to the evaluator's ticks, like a real event.
      await new Promise((r) => setTimeout(r, Math.random() * INTERVAL_S * 1000));
      const { rows } = await client.query<{ id: string; at: Date }>(
        `insert into fulfillment_tasks (task_type, payload, status, attempts, dead_lettered_at, finished_at) values ('bench-trigger', '{}', 'dead_lettered', 5, clock_timestamp(), clock_timestamp()) returning id, dead_lettered_at as at`,
      );
      const triggeredAt = Date.now();
      for (;;) {
        const r = await client.query(`select 1 from alert_instances where rule = 'FulfillmentTasksDeadLettered' and state = 'firing'`);
        if (r.rowCount) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      latencies.push((Date.now() - triggeredAt) / 1000);
      // Clear the trigger and wait for the resolve so the next sample starts from quiet.
      await client.query("delete from fulfillment_tasks where id = $1", [rows[0].id]);
      for (;;) {
        const r = await client.query(`select 1 from alert_instances where rule = 'FulfillmentTasksDeadLettered' and state = 'firing'`);
        if (!r.rowCount) break;
        await new Promise((res) => setTimeout(res, 50));
      }
    }
  } finally {
    await ev.stop();
  }
  const lat = summarize(latencies);

  const { rows: size } = await client.query<{ attempts: string; tasks: string }>(
    "select (select count(*) from fulfillment_attempts) as attempts, (select count(*) from fulfillment_tasks) as tasks",
  );
  console.log(`\nrows: ${Number(size[0].attempts).toLocaleString()} attempts, ${Number(size[0].tasks).toLocaleString()} tasks; ${rules.length} rules\n`);
  printTable([
    { measure: "evaluation tick, all rules (ms)", n: tick.n, p50: round(tick.p50, 2), p95: round(tick.p95, 2), max: round(tick.max, 2), aim: "≤ 100 ms" },
    { measure: `trigger → firing (s), interval ${INTERVAL_S}s`, n: lat.n, p50: round(lat.p50, 2), p95: round(lat.p95, 2), max: round(lat.max, 2), aim: `≤ ${2 * INTERVAL_S} s` },
  ]);
  console.log("");
  printTable(perSignal);
  console.log("");
  printTable(perRule);
  console.log(JSON.stringify({ bench: "alert-evaluation", attempts: Number(size[0].attempts), tickMs: tick, triggerToFiringSeconds: lat, intervalSeconds: INTERVAL_S, perSignal, perRule }));
  await client.end();
  await pool().end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
