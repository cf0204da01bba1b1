// Fulfillment's alerting signals: numbers over a window, read straight from the queue tables.
// Each query is an index range scan (see the indexes in prisma/schema/fulfillment.prisma), so the
// evaluator can run them every few seconds at production sizes (bench/alert-evaluation.ts).
import type { Signal, SignalContext } from "@/lib/alerting/types";

function windowBounds(ctx: SignalContext, windowSeconds: number): [Date, Date] {
  return [new Date(ctx.now.getTime() - windowSeconds * 1000), ctx.now];
}

async function count(ctx: SignalContext, sql: string, windowSeconds: number): Promise<number> {
  const [from, to] = windowBounds(ctx, windowSeconds);
  const { rows } = await ctx.pool.query<{ n: string }>(sql, [from, to]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Loop errors are a cumulative counter per worker row (fulfillment_workers.loop_errors), so the
 * increase over a window needs the value at the window's start. Each evaluation stores a snapshot
 * of the sum in alert_counter_snapshots; the increase is "now minus the newest snapshot at or
 * before the window start" (or the oldest snapshot when the history is shorter than the window,
 * like Prometheus' increase() with fewer samples). A counter reset (rows deleted) counts as the
 * current value. No worker rows at all = no data.
 */
async function counterIncrease(ctx: SignalContext, name: string, currentSql: string, windowSeconds: number): Promise<number | null> {
  const [from, to] = windowBounds(ctx, windowSeconds);
  // One round trip: read the counter, find the baseline, store this snapshot, prune old ones.
  // (Data-modifying CTEs are invisible to the other CTEs, so `base` never sees this snapshot.)
  const { rows } = await ctx.pool.query<{ total: string | null; workers: string; baseline: string | null }>(
    `with cur as (${currentSql}),
     base as (
       select value from (
         (select value, 0 as pref from alert_counter_snapshots where name = $1 and at <= $2 order by at desc limit 1)
         union all
         (select value, 1 as pref from alert_counter_snapshots where name = $1 and at > $2 and at <= $3 order by at asc limit 1)
       ) s order by pref limit 1),
     ins as (
       insert into alert_counter_snapshots (name, at, value) select $1, $3, coalesce(total, 0) from cur where workers > 0
       on conflict (name, at) do update set value = excluded.value returning 1),
     del as (delete from alert_counter_snapshots where name = $1 and at < $4 returning 1)
     select (select total from cur)::text as total, (select workers from cur)::text as workers, (select value from base)::text as baseline`,
    // Keep a day of history: enough for any window a rule uses, bounded table size.
    [name, from, to, new Date(to.getTime() - 86_400_000)],
  );
  const row = rows[0];
  if (!row || Number(row.workers) === 0) return null;
  const current = Number(row.total ?? 0);
  if (row.baseline === null) return 0;
  const baseline = Number(row.baseline);
  return current >= baseline ? current - baseline : current;
}

export const fulfillmentSignals: Signal[] = [
  {
    name: "fulfillment_dead_lettered_increase",
    domain: "fulfillment",
    description: "Tasks dead-lettered within the window (fulfillment_tasks.dead_lettered_at).",
    unit: "tasks",
    evaluate: (ctx, w) =>
      count(ctx, `select count(*) as n from fulfillment_tasks where status = 'dead_lettered' and dead_lettered_at > $1 and dead_lettered_at <= $2`, w),
  },
  {
    name: "fulfillment_failed_increase",
    domain: "fulfillment",
    description: "Attempts that finished failed or dead-lettered within the window.",
    unit: "attempts",
    evaluate: (ctx, w) =>
      count(ctx, `select count(*) as n from fulfillment_attempts where finished_at > $1 and finished_at <= $2 and outcome in ('failed', 'dead_lettered')`, w),
  },
  {
    name: "fulfillment_retried_increase",
    domain: "fulfillment",
    description: "Failed attempts that were rescheduled (backoff chosen) within the window.",
    unit: "attempts",
    evaluate: (ctx, w) =>
      count(ctx, `select count(*) as n from fulfillment_attempts where finished_at > $1 and finished_at <= $2 and backoff_ms is not null`, w),
  },
  {
    name: "fulfillment_loop_errors_increase",
    domain: "fulfillment",
    description: "Increase of the workers' loop error counter (sum of fulfillment_workers.loop_errors) within the window.",
    unit: "errors",
    evaluate: (ctx, w) =>
      counterIncrease(ctx, "fulfillment_loop_errors", `select sum(loop_errors)::float8 as total, count(*) as workers from fulfillment_workers`, w),
  },
  {
    name: "fulfillment_queue_depth",
    domain: "fulfillment",
    description: "Tasks waiting to run (pending or retry scheduled) now; the window is ignored.",
    unit: "tasks",
    evaluate: async (ctx) => {
      const { rows } = await ctx.pool.query<{ n: string }>(`select count(*) as n from fulfillment_tasks where status in ('pending', 'retry_scheduled')`);
      return Number(rows[0]?.n ?? 0);
    },
  },
  {
    name: "fulfillment_oldest_pending_age",
    domain: "fulfillment",
    description: "Age in seconds of the oldest task due to run but not yet picked up; 0 when none is due.",
    unit: "seconds",
    evaluate: async (ctx) => {
      const { rows } = await ctx.pool.query<{ run_at: Date | null }>(
        `select min(run_at) as run_at from fulfillment_tasks where status in ('pending', 'retry_scheduled') and run_at <= $1`,
        [ctx.now],
      );
      const at = rows[0]?.run_at;
      return at ? Math.max(0, (ctx.now.getTime() - at.getTime()) / 1000) : 0;
    },
  },
];
