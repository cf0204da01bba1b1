// The Request performance page's figures over a window: latency percentiles per route (merged
// per-minute histograms), slow queries grouped by normalised SQL, and query-budget offenders.
// Every query is bounded: per-minute rows aggregated in SQL, events read through (name, at).
import { pool } from "../db";
import { quantileMs } from "./request-stats";

export const PERFORMANCE_WINDOWS = { "15m": 15, "1h": 60, "6h": 360, "24h": 1440 } as const;
export type PerformanceWindow = keyof typeof PERFORMANCE_WINDOWS;

const since = (w: PerformanceWindow) => new Date(Date.now() - PERFORMANCE_WINDOWS[w] * 60_000);

export interface RouteLatency {
  route: string;
  method: string;
  requests: number;
  errors5xx: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number;
}

export async function routeLatencies(w: PerformanceWindow, limit = 50): Promise<RouteLatency[]> {
  const from = since(w);
  const [totals, buckets] = await Promise.all([
    pool().query<{ route: string; method: string; requests: string; errors: string; max_ms: number }>(
      `select route, method, sum(requests)::text as requests, coalesce(sum(requests) filter (where status >= 500), 0)::text as errors, max(max_ms) as max_ms
       from http_request_minutes where minute >= $1 group by route, method`,
      [from],
    ),
    pool().query<{ route: string; method: string; i: string; n: string }>(
      `select m.route, m.method, u.i::text, sum(u.b)::text as n
       from http_request_minutes m, unnest(m.buckets) with ordinality as u(b, i) where m.minute >= $1 group by 1, 2, 3`,
      [from],
    ),
  ]);
  const hist = new Map<string, number[]>();
  for (const r of buckets.rows) {
    const key = `${r.method} ${r.route}`;
    const arr = hist.get(key) ?? [];
    arr[Number(r.i) - 1] = Number(r.n);
    hist.set(key, arr);
  }
  return totals.rows
    .map((t) => {
      const h = Array.from(hist.get(`${t.method} ${t.route}`) ?? [], (n) => n ?? 0);
      return {
        route: t.route,
        method: t.method,
        requests: Number(t.requests),
        errors5xx: Number(t.errors),
        p50Ms: quantileMs(h, 0.5, t.max_ms),
        p95Ms: quantileMs(h, 0.95, t.max_ms),
        p99Ms: quantileMs(h, 0.99, t.max_ms),
        maxMs: t.max_ms,
      };
    })
    .sort((a, b) => (b.p95Ms ?? 0) - (a.p95Ms ?? 0))
    .slice(0, limit);
}

export interface SlowQueryGroup {
  sql: string;
  count: number;
  worstMs: number;
  avgMs: number;
  lastAt: string;
  routes: string[];
  /** The worst occurrence's request, to open its events (and trace). */
  worstRequestId: string | null;
}

export async function slowQueryGroups(w: PerformanceWindow, limit = 30): Promise<SlowQueryGroup[]> {
  const { rows } = await pool().query<{ sql: string; n: number; worst: number; avg: number; last_at: Date; routes: string[] | null; worst_request: string | null }>(
    `select detail as sql, count(*)::int as n, max(duration_ms) as worst, avg(duration_ms) as avg, max(at) as last_at,
            (array_agg(distinct route) filter (where route is not null))[1:5] as routes,
            (array_agg(request_id order by duration_ms desc) filter (where request_id is not null))[1] as worst_request
     from telemetry_events where name = 'database.slow_query' and at >= $1
     group by detail order by max(duration_ms) * count(*) desc limit $2`,
    [since(w), limit],
  );
  return rows.map((r) => ({ sql: r.sql, count: r.n, worstMs: r.worst, avgMs: r.avg, lastAt: r.last_at.toISOString(), routes: r.routes ?? [], worstRequestId: r.worst_request }));
}

export interface BudgetOffender {
  route: string;
  count: number;
  maxQueries: number;
  lastAt: string;
}

export async function budgetOffenders(w: PerformanceWindow, limit = 30): Promise<BudgetOffender[]> {
  const { rows } = await pool().query<{ route: string | null; n: number; max_q: number; last_at: Date }>(
    `select route, count(*)::int as n, max((tags->>'queries')::int) as max_q, max(at) as last_at
     from telemetry_events where name = 'database.query_budget_exceeded' and at >= $1
     group by route order by count(*) desc limit $2`,
    [since(w), limit],
  );
  return rows.map((r) => ({ route: r.route ?? "(no route)", count: r.n, maxQueries: r.max_q, lastAt: r.last_at.toISOString() }));
}
