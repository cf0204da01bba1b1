import "server-only";
// Read models for the panels, the metrics gauges, the overview tile and the incident snapshot. Every
// query is bounded by a time window or a partial index (open claims, recent attempts).
import type pg from "pg";
import { BUCKETS, TERMINAL_STATUSES } from "./classify";

/** Claims waiting for a (next) attempt: the open-claims partial index. */
export async function queueDepth(p: pg.Pool): Promise<number> {
  const { rows } = await p.query<{ n: number }>(`SELECT count(*)::int AS n FROM reconciliation_submissions WHERE status IN ('queued', 'retrying')`);
  return rows[0].n;
}

/**
 * 1 − (time spent in reconciliation attempts over the last minute) / (task slots of the live queue
 * workers × 60 s). Null when no worker is alive (nothing to be idle).
 */
export async function workerIdleRatio(p: pg.Pool, windowSeconds = 60): Promise<number | null> {
  const { rows } = await p.query<{ busy_ms: number | null; slots: number | null }>(
    `SELECT (SELECT sum(duration_ms) FROM reconciliation_attempts WHERE finished_at > now() - make_interval(secs => $1))::float8 AS busy_ms,
            (SELECT sum(coalesce((settings->>'concurrency')::int, 1)) FROM fulfillment_workers
              WHERE state = 'running' AND heartbeat_at > now() - interval '60 seconds')::float8 AS slots`,
    [windowSeconds],
  );
  const { busy_ms, slots } = rows[0];
  if (!slots) return null;
  return Math.max(0, Math.min(1, 1 - (busy_ms ?? 0) / (slots * windowSeconds * 1000)));
}

export interface PanelData {
  at: string;
  windowMinutes: number;
  queueDepth: number;
  idleRatio: number | null;
  oldestOpenSeconds: number | null;
  totals: Record<string, number>;
  /** Per minute: terminal statuses, p50/p95 submission → first attempt (s), depth at the end of the minute. */
  series: { minute: string; matched: number; discrepancy: number; overclaim: number; missing: number; p50: number | null; p95: number | null; submitted: number; depth: number }[];
  missingReasons: Record<string, number>;
  latency: { p50: number | null; p95: number | null; samples: number };
  platforms: { platform: string; attempts: number; failures: number; p95AttemptMs: number | null }[];
}

export async function panelData(p: pg.Pool, windowMinutes = 60): Promise<PanelData> {
  const [depth, idle, series, totals, lat, platforms, oldest] = await Promise.all([
    queueDepth(p),
    workerIdleRatio(p),
    p.query(
      `WITH minutes AS (
         SELECT generate_series(date_trunc('minute', now()) - make_interval(mins => $1 - 1), date_trunc('minute', now()), interval '1 minute') AS m
       ), done AS (
         SELECT date_trunc('minute', reconciled_at) AS m, status, count(*)::int AS n FROM reconciliation_submissions
          WHERE reconciled_at >= date_trunc('minute', now()) - make_interval(mins => $1 - 1) GROUP BY 1, 2
       ), first AS (
         SELECT date_trunc('minute', submitted_at) AS m, count(*)::int AS submitted,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_attempt_at - submitted_at)) AS p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM first_attempt_at - submitted_at)) AS p95
           FROM reconciliation_submissions WHERE submitted_at >= date_trunc('minute', now()) - make_interval(mins => $1 - 1) GROUP BY 1
       ), open_before AS (
         SELECT count(*)::int AS n FROM reconciliation_submissions
          WHERE submitted_at < date_trunc('minute', now()) - make_interval(mins => $1 - 1)
            AND (reconciled_at IS NULL OR reconciled_at >= date_trunc('minute', now()) - make_interval(mins => $1 - 1))
       )
       SELECT to_char(minutes.m AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:00"Z"') AS minute,
              coalesce(sum(done.n) FILTER (WHERE done.status = 'matched'), 0)::int AS matched,
              coalesce(sum(done.n) FILTER (WHERE done.status = 'discrepancy'), 0)::int AS discrepancy,
              coalesce(sum(done.n) FILTER (WHERE done.status = 'overclaim'), 0)::int AS overclaim,
              coalesce(sum(done.n) FILTER (WHERE done.status = 'missing'), 0)::int AS missing,
              coalesce(max(first.submitted), 0)::int AS submitted, max(first.p50) AS p50, max(first.p95) AS p95,
              (SELECT n FROM open_before) AS open_before
         FROM minutes LEFT JOIN done ON done.m = minutes.m LEFT JOIN first ON first.m = minutes.m
        GROUP BY minutes.m ORDER BY minutes.m`,
      [windowMinutes],
    ),
    p.query<{ status: string; missing_reason: string | null; n: number }>(
      `SELECT status, missing_reason, count(*)::int AS n FROM reconciliation_submissions WHERE reconciled_at > now() - make_interval(mins => $1) GROUP BY 1, 2`,
      [windowMinutes],
    ),
    p.query<{ p50: number | null; p95: number | null; n: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY s) AS p95, count(*)::int AS n
         FROM (SELECT extract(epoch FROM first_attempt_at - submitted_at)::float8 AS s FROM reconciliation_submissions
                WHERE submitted_at > now() - make_interval(mins => $1) AND first_attempt_at IS NOT NULL ORDER BY id DESC LIMIT 5000) x`,
      [windowMinutes],
    ),
    p.query<{ platform: string; attempts: number; failures: number; p95: number | null }>(
      `SELECT platform, count(*)::int AS attempts, count(*) FILTER (WHERE outcome <> 'fetched' AND outcome <> 'not_found')::int AS failures,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
         FROM reconciliation_attempts WHERE finished_at > now() - make_interval(mins => $1) GROUP BY 1 ORDER BY 1`,
      [windowMinutes],
    ),
    p.query<{ s: number | null }>(`SELECT extract(epoch FROM now() - min(submitted_at))::float8 AS s FROM reconciliation_submissions WHERE status IN ('queued', 'retrying')`),
  ]);
  // Depth at the end of each minute: claims open before the window, plus submitted, minus finished so far.
  let open = series.rows[0]?.open_before ?? 0;
  const seriesOut = series.rows.map((r) => {
    open += r.submitted - (r.matched + r.discrepancy + r.overclaim + r.missing);
    return { minute: r.minute, matched: r.matched, discrepancy: r.discrepancy, overclaim: r.overclaim, missing: r.missing, submitted: r.submitted, p50: r.p50, p95: r.p95, depth: Math.max(0, open) };
  });
  const byStatus: Record<string, number> = Object.fromEntries(TERMINAL_STATUSES.map((s) => [s, 0]));
  const missingReasons: Record<string, number> = {};
  for (const r of totals.rows) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
    if (r.missing_reason) missingReasons[r.missing_reason] = (missingReasons[r.missing_reason] ?? 0) + r.n;
  }
  return {
    at: new Date().toISOString(),
    windowMinutes,
    queueDepth: depth,
    idleRatio: idle,
    oldestOpenSeconds: oldest.rows[0]?.s ?? null,
    totals: byStatus,
    series: seriesOut,
    missingReasons,
    latency: { p50: lat.rows[0]?.p50 ?? null, p95: lat.rows[0]?.p95 ?? null, samples: lat.rows[0]?.n ?? 0 },
    platforms: platforms.rows.map((r) => ({ platform: r.platform, attempts: r.attempts, failures: r.failures, p95AttemptMs: r.p95 })),
  };
}

export interface RiskData {
  at: string;
  alertsBySeverity: Record<string, number>;
  recentAlerts: { id: string; submissionId: string; affiliate: string; affiliateId: string; severity: string; margin: number | null; message: string; createdAt: string }[];
  buckets: Record<string, number>;
  distribution: { from: number; to: number; affiliates: number }[];
  movers: { affiliateId: string; name: string; score: number; bucket: string; delta: number }[];
}

export async function riskData(p: pg.Pool, opts: { hours?: number; severity?: string } = {}): Promise<RiskData> {
  const hours = opts.hours ?? 24;
  const [sev, recent, buckets, dist, movers] = await Promise.all([
    p.query<{ severity: string; n: number }>(`SELECT severity, count(*)::int AS n FROM reconciliation_alerts WHERE created_at > now() - make_interval(hours => $1) GROUP BY 1`, [hours]),
    p.query(
      `SELECT al.id::text, al.submission_id::text AS "submissionId", a.name AS affiliate, a.id AS "affiliateId", al.severity,
              CASE WHEN al.margin = 'Infinity' THEN NULL ELSE al.margin END AS margin, al.message, al.created_at AS "createdAt"
         FROM reconciliation_alerts al JOIN reconciliation_affiliates a ON a.id = al.affiliate_id
        WHERE al.created_at > now() - make_interval(hours => $1) AND ($2::text IS NULL OR al.severity = $2)
        ORDER BY al.created_at DESC LIMIT 50`,
      [hours, opts.severity ?? null],
    ),
    p.query<{ trust_bucket: string; n: number }>(`SELECT trust_bucket, count(*)::int AS n FROM reconciliation_affiliates GROUP BY 1`),
    p.query<{ b: number; n: number }>(`SELECT least(trust_score / 10, 9) AS b, count(*)::int AS n FROM reconciliation_affiliates GROUP BY 1 ORDER BY 1`),
    p.query(
      `SELECT a.id AS "affiliateId", a.name, a.trust_score AS score, a.trust_bucket AS bucket, sum(h.delta)::int AS delta
         FROM reconciliation_trust_history h JOIN reconciliation_affiliates a ON a.id = h.affiliate_id
        WHERE h.created_at > now() - make_interval(hours => $1)
        GROUP BY a.id HAVING sum(h.delta) <> 0 ORDER BY abs(sum(h.delta)) DESC, a.name LIMIT 10`,
      [hours],
    ),
  ]);
  const countsBy = (rows: { n: number }[], key: (r: never) => string, names: readonly string[]) => {
    const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
    for (const r of rows) out[key(r as never)] = r.n;
    return out;
  };
  const perDecile = new Map(dist.rows.map((r) => [r.b, r.n]));
  return {
    at: new Date().toISOString(),
    alertsBySeverity: countsBy(sev.rows, (r: { severity: string }) => r.severity, ["low", "medium", "high", "critical"]),
    recentAlerts: recent.rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })),
    buckets: countsBy(buckets.rows, (r: { trust_bucket: string }) => r.trust_bucket, BUCKETS),
    distribution: Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 9, affiliates: perDecile.get(i) ?? 0 })),
    movers: movers.rows,
  };
}

/** Terminal-status counts and missing ratio over a window (overview tile, alert signals, snapshot). */
export async function statusCounts(p: pg.Pool, seconds: number): Promise<{ total: number; missing: number; byStatus: Record<string, number>; byMissingReason: Record<string, number> }> {
  const { rows } = await p.query<{ status: string; missing_reason: string | null; n: number }>(
    `SELECT status, missing_reason, count(*)::int AS n FROM reconciliation_submissions WHERE reconciled_at > now() - make_interval(secs => $1) GROUP BY 1, 2`,
    [seconds],
  );
  const byStatus: Record<string, number> = Object.fromEntries(TERMINAL_STATUSES.map((s) => [s, 0]));
  const byMissingReason: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    byStatus[r.status] += r.n;
    total += r.n;
    if (r.missing_reason) byMissingReason[r.missing_reason] = (byMissingReason[r.missing_reason] ?? 0) + r.n;
  }
  return { total, missing: byStatus.missing, byStatus, byMissingReason };
}
