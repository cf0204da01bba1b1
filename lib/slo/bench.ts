// SLO status cost at production sizes. Run against a scratch database (never production):
//   DATABASE_URL=postgresql://…/scratch npx tsx --conditions=react-server lib/slo/bench.ts [--seed]
// --seed inserts 1M tasks with 10 attempts each (10M attempt rows over 28 days, 1% dead-lettered);
// it takes minutes. Prints the first call (full load of the minute buckets) and the steady state.
import { pool } from "@/lib/platform/db";
import { loadSlos } from "./definitions";
import { BURN_RATE_WINDOWS } from "./math";
import { computeStatus, windowCounts } from "./status";

const SEED = `
insert into fulfillment_tasks (task_type, payload, status, created_at, updated_at, finished_at, dead_lettered_at)
select 'bench', '{}'::jsonb,
       case when g % 100 = 0 then 'dead_lettered'::task_status else 'succeeded'::task_status end,
       now() - (g * interval '28 days' / 1000000) - interval '30 seconds' * (g % 3),
       now() - (g * interval '28 days' / 1000000), now() - (g * interval '28 days' / 1000000),
       case when g % 100 = 0 then now() - (g * interval '28 days' / 1000000) end
from generate_series(1, 1000000) g;
insert into fulfillment_attempts (task_id, attempt, task_type, worker_id, started_at, finished_at, outcome)
select t.id, a, 'bench', 'bench', t.finished_at - interval '1 second' * (11 - a), t.finished_at - interval '1 second' * (10 - a),
       case when a < 10 then 'failed'::attempt_outcome when t.status = 'dead_lettered' then 'dead_lettered'::attempt_outcome
            else 'succeeded'::attempt_outcome end
from fulfillment_tasks t, generate_series(1, 10) a where t.task_type = 'bench';
-- As the queue does it: a succeeded task leaves the queue table, its success attempt keeps its record.
update fulfillment_attempts a set task_created_at = t.created_at
  from fulfillment_tasks t where a.task_id = t.id and a.outcome = 'succeeded' and t.task_type = 'bench';
delete from fulfillment_tasks where task_type = 'bench' and status = 'succeeded';
vacuum analyze fulfillment_tasks;
vacuum analyze fulfillment_attempts;`;

async function time(label: string, runs: number, fn: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 200));
  }
  const [first, ...rest] = ms;
  rest.sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1);
  console.log(`${label}: first ${f(first)} ms; then min ${f(rest[0])} / median ${f(rest[Math.floor(rest.length / 2)])} / max ${f(rest.at(-1)!)} ms`);
}

async function main() {
  if (process.argv.includes("--seed")) {
    console.log("seeding 10M attempt rows…");
    for (const sql of SEED.split(";").filter((s) => s.trim())) await pool().query(sql);
  }
  const { rows } = await pool().query<{ n: string }>("select count(*) as n from fulfillment_attempts");
  console.log(`fulfillment_attempts: ${Number(rows[0].n).toLocaleString()} rows`);
  for (const slo of loadSlos()) {
    await time(`${slo.name} status (window + 7 burn windows)`, 11, () => computeStatus(pool(), slo, new Date()));
    await time(`${slo.name} alert windows only`, 11, () => windowCounts(pool(), slo, new Date(), BURN_RATE_WINDOWS.map((w) => w.seconds)));
  }
  await pool().end();
}

void main();
