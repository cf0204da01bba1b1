import "server-only";
// Queue figures read from the database, so they are right across several workers and restarts.
// Cumulative outcomes come from fulfillment_counters (per-minute rows written in the same
// statement that records the outcome; older rows compacted to one per day), never from count(*)
// over history. Current state (pending, running, dead-lettered) counts use the status indexes.
import type pg from "pg";
import { pool } from "@/lib/platform/db";
import { fulfillmentSettings, workerOptionsFromEnv } from "./settings";
import { TASK_TYPE_NAMES } from "@/lib/task-types";

type Queryable = pg.Pool | pg.PoolClient;
const q = (c?: Queryable) => c ?? pool();
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export interface OutcomeCounts {
  processed: number;
  succeeded: number;
  failed: number;
  retried: number;
  dead_lettered: number;
  lease_expired: number;
}

function toOutcomes(rows: { outcome: string; n: string }[]): OutcomeCounts {
  const by = Object.fromEntries(rows.map((r) => [r.outcome, num(r.n)]));
  const succeeded = by.succeeded ?? 0, retried = by.retried ?? 0, dead = by.dead_lettered ?? 0, expired = by.lease_expired ?? 0;
  return { processed: succeeded + retried + dead, succeeded, failed: retried + dead, retried, dead_lettered: dead, lease_expired: expired };
}

/** processed = finished attempts; failed = retried + dead_lettered attempts. */
export async function outcomeTotals(c?: Queryable, sinceMinutes?: number): Promise<OutcomeCounts> {
  const { rows } = await q(c).query<{ outcome: string; n: string }>(
    `SELECT outcome, sum(count)::text AS n FROM fulfillment_counters
      WHERE $1::int IS NULL OR bucket >= date_trunc('minute', now()) - make_interval(mins => $1::int - 1)
      GROUP BY outcome`,
    [sinceMinutes ?? null],
  );
  return toOutcomes(rows);
}

export async function metricsSnapshot(c?: Queryable) {
  const [totals, workers, durations] = await Promise.all([
    outcomeTotals(c),
    q(c).query<{ loop_errors: string; last_loop_at: Date | null; last_loop_ms: number | null; loop_p50: number | null; loop_p95: number | null }>(
      `SELECT coalesce(sum(loop_errors), 0)::text AS loop_errors,
              max(last_loop_at) AS last_loop_at,
              (array_agg(last_loop_ms ORDER BY last_loop_at DESC NULLS LAST))[1] AS last_loop_ms,
              max((settings->'timing'->>'loopP50Ms')::float) FILTER (WHERE state <> 'stopped') AS loop_p50,
              max((settings->'timing'->>'loopP95Ms')::float) FILTER (WHERE state <> 'stopped') AS loop_p95
         FROM fulfillment_workers`,
    ),
    // The latest 1,000 attempts of the last 15 minutes: bounded whatever the throughput.
    q(c).query<{ p50: number | null; p95: number | null; n: string }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95, count(*)::text AS n
         FROM (SELECT duration_ms FROM fulfillment_attempts
                WHERE finished_at > now() - interval '15 minutes' AND duration_ms IS NOT NULL
                ORDER BY finished_at DESC LIMIT 1000) recent`,
    ),
  ]);
  const w = workers.rows[0];
  const d = durations.rows[0];
  const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return {
    processed: totals.processed,
    succeeded: totals.succeeded,
    failed: totals.failed,
    retried: totals.retried,
    dead_lettered: totals.dead_lettered,
    lease_expired: totals.lease_expired,
    loop_errors: num(w.loop_errors),
    timing: {
      last_loop_at: w.last_loop_at?.toISOString() ?? null,
      last_loop_ms: w.last_loop_ms,
      loop_ms: { p50: round(w.loop_p50), p95: round(w.loop_p95) },
      task_duration_ms: { p50: round(d.p50), p95: round(d.p95), sample: num(d.n), window: "15m" },
    },
  };
}

export interface WorkerRow {
  id: string;
  hostname: string;
  pid: number;
  state: string;
  started_at: string;
  heartbeat_at: string;
  heartbeat_age_seconds: number;
  stale: boolean;
  loop_errors: number;
  last_loop_ms: number | null;
}

/** Workers seen in the last hour (plus any not marked stopped). Stale = no heartbeat for a lease. */
export async function listWorkers(c?: Queryable): Promise<WorkerRow[]> {
  const { rows } = await q(c).query(
    `SELECT id, hostname, pid, state, started_at, heartbeat_at, loop_errors::text, last_loop_ms,
            extract(epoch FROM now() - heartbeat_at)::float AS age,
            (now() - heartbeat_at) > make_interval(secs => coalesce((settings->>'leaseMs')::float, 30000) / 1000) AS stale
       FROM fulfillment_workers
      WHERE heartbeat_at > now() - interval '1 hour' OR state <> 'stopped'
      ORDER BY (state = 'stopped'), heartbeat_at DESC
      LIMIT 50`,
  );
  return rows.map((r) => ({
    id: r.id,
    hostname: r.hostname,
    pid: r.pid,
    state: r.state !== "stopped" && r.stale ? "stale" : r.state,
    started_at: r.started_at.toISOString(),
    heartbeat_at: r.heartbeat_at.toISOString(),
    heartbeat_age_seconds: Math.round(r.age * 10) / 10,
    stale: r.state !== "stopped" && r.stale,
    loop_errors: num(r.loop_errors),
    last_loop_ms: r.last_loop_ms,
  }));
}

export async function healthSnapshot(c?: Queryable) {
  const s = fulfillmentSettings();
  const o = workerOptionsFromEnv(s);
  const [workers, metrics] = await Promise.all([listWorkers(c), metricsSnapshot(c)]);
  const running = workers.filter((w) => (w.state === "running" || w.state === "draining") && !w.stale);
  return {
    enabled: s.FULFILLMENT_WORKER_ENABLED,
    status: running.length > 0 ? "running" : s.FULFILLMENT_WORKER_ENABLED ? "degraded" : "disabled",
    poll_interval_seconds: s.FULFILLMENT_POLL_INTERVAL_SECONDS,
    batch_size: o.batchSize,
    max_attempts: o.maxAttempts,
    lease_seconds: s.FULFILLMENT_LEASE_SECONDS,
    concurrency: o.concurrency,
    running_workers: running.length,
    workers: workers.map((w) => ({ id: w.id, state: w.state, heartbeat_at: w.heartbeat_at, heartbeat_age_seconds: w.heartbeat_age_seconds, loop_errors: w.loop_errors })),
    metrics,
  };
}

export async function queueState(c?: Queryable) {
  const { rows } = await q(c).query<{ status: string; n: string }>(
    `SELECT status::text, count(*)::text AS n FROM fulfillment_tasks WHERE status IN ('pending', 'retry_scheduled', 'running') GROUP BY status`,
  );
  const by = Object.fromEntries(rows.map((r) => [r.status, num(r.n)]));
  return { pending: (by.pending ?? 0) + (by.retry_scheduled ?? 0), retry_scheduled: by.retry_scheduled ?? 0, running: by.running ?? 0 };
}

const clip = (s: string | null, n: number) => (s && s.length > n ? `${s.slice(0, n - 1)}…` : s);

const OBSERVABILITY_BUDGET_BYTES = 1000;
const isoSeconds = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

/** The seed's dashboard payload; kept under 1 KB (errors clipped, 3 recent failures) even with every task type present. */
export async function observabilitySnapshot(c?: Queryable) {
  const [totals, state, perType, recent, last] = await Promise.all([
    outcomeTotals(c),
    queueState(c),
    q(c).query<{ task_type: string; outcome: string; n: string }>(
      `SELECT task_type, outcome, sum(count)::text AS n FROM fulfillment_counters GROUP BY task_type, outcome`,
    ),
    // Index-ordered scans: newest scheduled retries and newest dead letters; three in all keep the payload < 1 KB.
    q(c).query<{ id: string; task_type: string; error_class: string | null; status: string; at: Date }>(
      `(SELECT id, task_type, last_error_class AS error_class, status::text, updated_at AS at FROM fulfillment_tasks
         WHERE status = 'retry_scheduled' ORDER BY run_at DESC LIMIT 3)
       UNION ALL
       (SELECT id, task_type, last_error_class, status::text, dead_lettered_at FROM fulfillment_tasks
         WHERE status = 'dead_lettered' ORDER BY dead_lettered_at DESC, id DESC LIMIT 3)
       ORDER BY at DESC LIMIT 3`,
    ),
    q(c).query(
      `SELECT t.id, t.task_type, t.last_error, t.dead_lettered_at, i.id AS item_id, i.sku, i.quantity, i.order_id
         FROM fulfillment_tasks t LEFT JOIN order_items i ON i.id = t.order_item_id
        WHERE t.status = 'dead_lettered' ORDER BY t.dead_lettered_at DESC, t.id DESC LIMIT 1`,
    ),
  ]);
  const task_types: Record<string, { processed: number; failed: number; dead_lettered: number }> = {};
  const grouped = new Map<string, { outcome: string; n: string }[]>();
  for (const r of perType.rows) grouped.set(r.task_type, [...(grouped.get(r.task_type) ?? []), r]);
  for (const type of TASK_TYPE_NAMES) {
    const o = toOutcomes(grouped.get(type) ?? []);
    if (o.processed > 0) task_types[type] = { processed: o.processed, failed: o.failed, dead_lettered: o.dead_lettered };
  }
  const l = last.rows[0];
  const payload = {
    totals: { processed: totals.processed, failed: totals.failed, retried: totals.retried, dead_lettered: totals.dead_lettered, pending: state.pending, running: state.running },
    task_types,
    events: {
      recent_failures: recent.rows.map((r) => ({ id: r.id, task_type: r.task_type, error: clip(r.error_class, 32), at: isoSeconds(r.at) })),
      last_dead_letter_task: l
        ? {
            id: String(l.id),
            task_type: l.task_type,
            error: clip(l.last_error, 80),
            at: isoSeconds(l.dead_lettered_at),
            order_item: l.item_id ? { id: l.item_id, order_id: l.order_id, sku: clip(l.sku, 32), quantity: l.quantity } : null,
          }
        : null,
    },
  };
  // The seed promises < 1 KB; with every task type and large counters the recent failures are
  // what gives way (oldest first), so the promise holds whatever the figures.
  while (payload.events.recent_failures.length > 0 && Buffer.byteLength(JSON.stringify(payload)) > OBSERVABILITY_BUDGET_BYTES) {
    payload.events.recent_failures.pop();
  }
  return payload;
}


const BACKLOG_CAP = 10_000;

export const PANEL_WINDOWS = { "15m": 15, "1h": 60, "6h": 360, "24h": 1440 } as const;
export type PanelWindow = keyof typeof PANEL_WINDOWS;

/** Everything the live panel shows, in one round of cheap queries. */
export async function panelSnapshot(window: PanelWindow, c?: Queryable) {
  const minutes = PANEL_WINDOWS[window];
  const step = Math.max(1, Math.round(minutes / 60)); // ≤ 60 points per chart
  const [state, oldest, lastHour, series, perType, pendingByType, workers] = await Promise.all([
    queueState(c),
    q(c).query<{ age: number | null }>(
      `SELECT extract(epoch FROM now() - min(run_at))::float AS age FROM fulfillment_tasks WHERE status = 'pending' AND run_at <= now()`,
    ),
    outcomeTotals(c, 60),
    q(c).query<{ t: Date; outcome: string; n: string }>(
      `SELECT to_timestamp(floor(extract(epoch FROM bucket) / ($2 * 60)) * $2 * 60) AS t, outcome, sum(count)::text AS n
         FROM fulfillment_counters
        WHERE bucket >= date_trunc('minute', now()) - make_interval(mins => $1 - 1)
        GROUP BY 1, 2 ORDER BY 1`,
      [minutes, step],
    ),
    q(c).query<{ task_type: string; outcome: string; n: string; ms: string }>(
      `SELECT task_type, outcome, sum(count)::text AS n, sum(duration_ms)::text AS ms FROM fulfillment_counters
        WHERE bucket >= date_trunc('minute', now()) - make_interval(mins => $1 - 1)
        GROUP BY task_type, outcome`,
      [minutes],
    ),
    // Dead-letter backlog per type is counted up to a cap on the (status, task_type, …) index, so a
    // million dead letters cost a few milliseconds, not a full count on every 5-second refresh.
    q(c).query<{ task_type: string; status: string; n: string }>(
      `SELECT task_type, status::text, count(*)::text AS n FROM fulfillment_tasks
        WHERE status IN ('pending', 'retry_scheduled', 'running') GROUP BY task_type, status
       UNION ALL
       SELECT t.name, 'dead_lettered', (SELECT count(*) FROM (SELECT 1 FROM fulfillment_tasks
                                          WHERE status = 'dead_lettered' AND task_type = t.name LIMIT $1) capped)::text
         FROM unnest($2::text[]) AS t(name)`,
      [BACKLOG_CAP, TASK_TYPE_NAMES],
    ),
    listWorkers(c),
  ]);

  // Fill empty buckets so the charts show gaps as zero, not as missing points.
  const stepMs = step * 60_000;
  const end = Math.floor(Date.now() / stepMs) * stepMs;
  const points = new Map<number, { t: string; succeeded: number; retried: number; dead_lettered: number }>();
  for (let t = end - (Math.ceil(minutes / step) - 1) * stepMs; t <= end; t += stepMs) {
    points.set(t, { t: new Date(t).toISOString(), succeeded: 0, retried: 0, dead_lettered: 0 });
  }
  for (const r of series.rows) {
    const p = points.get(r.t.getTime());
    if (p && (r.outcome === "succeeded" || r.outcome === "retried" || r.outcome === "dead_lettered")) p[r.outcome] += num(r.n);
  }
  const seriesOut = [...points.values()].map((p) => {
    const total = p.succeeded + p.retried + p.dead_lettered;
    return { ...p, per_minute: Math.round((total / step) * 10) / 10, failure_rate: total ? Math.round(((p.retried + p.dead_lettered) / total) * 1000) / 1000 : 0 };
  });

  const types = TASK_TYPE_NAMES.map((type) => {
    const rows = perType.rows.filter((r) => r.task_type === type);
    const o = toOutcomes(rows);
    const ms = rows.reduce((s, r) => s + num(r.ms), 0);
    const st = Object.fromEntries(pendingByType.rows.filter((r) => r.task_type === type).map((r) => [r.status, num(r.n)]));
    return {
      task_type: type,
      pending: (st.pending ?? 0) + (st.retry_scheduled ?? 0),
      running: st.running ?? 0,
      dead_letter_backlog: st.dead_lettered ?? 0,
      dead_letter_backlog_capped: (st.dead_lettered ?? 0) >= BACKLOG_CAP,
      succeeded: o.succeeded,
      retried: o.retried,
      dead_lettered: o.dead_lettered,
      failure_rate: o.processed ? Math.round((o.failed / o.processed) * 1000) / 1000 : 0,
      avg_ms: o.processed ? Math.round((ms / o.processed) * 10) / 10 : null,
    };
  });

  return {
    window,
    step_minutes: step,
    generated_at: new Date().toISOString(),
    tiles: {
      pending: state.pending,
      running: state.running,
      oldest_pending_age_seconds: oldest.rows[0].age === null ? null : Math.max(0, Math.round(oldest.rows[0].age)),
      succeeded_last_hour: lastHour.succeeded,
      failed_last_hour: lastHour.failed,
      dead_lettered_last_hour: lastHour.dead_lettered,
    },
    series: seriesOut,
    task_types: types,
    workers,
  };
}

/**
 * Folds minute counters older than a day into one row per day, so cumulative totals stay a sum
 * over a few thousand rows. Safe to run from several workers: an advisory lock lets one through.
 */
export async function compactCounters(c?: Queryable): Promise<number> {
  const { rows } = await q(c).query<{ n: string | null }>(
    `WITH gate AS (SELECT pg_try_advisory_xact_lock(hashtext('fulfillment_counters_compact')) AS ok),
     old AS (
       DELETE FROM fulfillment_counters
        WHERE (SELECT ok FROM gate) AND bucket < date_trunc('day', now() - interval '25 hours') AND bucket <> date_trunc('day', bucket)
        RETURNING bucket, task_type, outcome, count, duration_ms
     ), merged AS (
       INSERT INTO fulfillment_counters (bucket, task_type, outcome, count, duration_ms)
       SELECT date_trunc('day', bucket), task_type, outcome, sum(count), sum(duration_ms) FROM old GROUP BY 1, 2, 3
       ON CONFLICT (bucket, task_type, outcome, shard)
       DO UPDATE SET count = fulfillment_counters.count + EXCLUDED.count, duration_ms = fulfillment_counters.duration_ms + EXCLUDED.duration_ms
     )
     SELECT count(*)::text AS n FROM old`,
  );
  return num(rows[0]?.n);
}
