import "server-only";
// Merchandiser insights over the per-query rollups (catalog_query_rollups), and the sliding-window
// zero-result rate over the raw log. "24h" reads hour rows: the current UTC hour and the 23 before
// it; "7d" and "30d" read day rows: the current UTC day and the 6 (29) before it. "Trending"
// compares with the same number of buckets before.
import type pg from "pg";
import { processSingleton } from "@/lib/platform/global";
import { catalogSettings } from "./settings";

export const INSIGHT_WINDOWS = { "24h": { span: "hour", buckets: 24 }, "7d": { span: "day", buckets: 7 }, "30d": { span: "day", buckets: 30 } } as const;
export type InsightWindow = keyof typeof INSIGHT_WINDOWS;

/** Noise guards for trending: searched at least this often in the window… */
export const TRENDING_MIN_SEARCHES = 3;
/** …and at least this many times as often as in the previous window (or new in this one). */
export const TRENDING_MIN_GROWTH = 1.2;

export interface ZeroResults {
  /** zero_result_searches / searches; null when searches < min_sample_size ("not enough searches"). */
  rate: number | null;
  searches: number;
  zero_result_searches: number;
  window_seconds: number;
  min_sample_size: number;
  enough_samples: boolean;
}

export async function zeroResultsRate(db: pg.Pool, opts: { now?: Date; windowSeconds?: number; minSampleSize?: number } = {}): Promise<ZeroResults> {
  const s = catalogSettings();
  const windowSeconds = opts.windowSeconds ?? s.CATALOG_ZERO_RESULTS_WINDOW_SECONDS;
  const minSampleSize = opts.minSampleSize ?? s.CATALOG_ZERO_RESULTS_MIN_SAMPLE_SIZE;
  const now = opts.now ?? new Date();
  const { rows: [r] } = await db.query<{ n: number; z: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE result_count = 0)::int AS z
       FROM catalog_searches WHERE searched_at > $1 AND searched_at <= $2`,
    [new Date(now.getTime() - windowSeconds * 1000), now],
  );
  const enough = r.n >= minSampleSize && r.n > 0;
  return {
    rate: enough ? Math.round((r.z / r.n) * 1e4) / 1e4 : null,
    searches: r.n,
    zero_result_searches: r.z,
    window_seconds: windowSeconds,
    min_sample_size: minSampleSize,
    enough_samples: enough,
  };
}

export interface QueryRow {
  query: string;
  searches: number;
  zero_result_searches: number;
  /** Searches that returned results but got no click. */
  searches_without_clicks: number;
  clicked_searches: number;
  clicks: number;
  /** clicked searches / searches with results; null without results. */
  ctr: number | null;
  avg_click_position: number | null;
  last_seen: string;
}

export interface TrendingRow extends QueryRow {
  previous_searches: number;
  /** searches − previous_searches. */
  rise: number;
  /** searches / previous_searches; null when the query is new in this window. */
  growth: number | null;
}

export interface Insights {
  window: InsightWindow;
  from: string;
  to: string;
  generated_at: string;
  totals: { searches: number; zero_result_searches: number; zero_result_rate: number | null; clicked_searches: number; ctr: number | null; searches_without_clicks: number; distinct_queries: number };
  top_queries: QueryRow[];
  trending: TrendingRow[];
  zero_result_queries: QueryRow[];
  /** Queries with results ranked by searches without clicks: results shoppers do not want. */
  no_click_queries: QueryRow[];
  series: { t: string; searches: number; zero_result_searches: number; zero_result_rate: number | null }[];
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1e4) / 1e4 : null);

// One statement: the window's rollup rows are read once (MATERIALIZED) and summed per query and per
// bucket; each table is a small sort over the per-query sums.
const INSIGHTS_SQL = `
  WITH w AS MATERIALIZED (
    SELECT bucket, query, searches, zero_results, clicked_searches, clicks, click_position_sum, last_seen
      FROM catalog_query_rollups WHERE span = $6 AND bucket >= $1 AND bucket < $2),
  cur AS MATERIALIZED (
    SELECT query, sum(searches)::int AS searches, sum(zero_results)::int AS zero, sum(clicked_searches)::int AS clicked,
           sum(clicks)::int AS clicks, sum(click_position_sum)::float8 AS pos_sum, max(last_seen) AS last_seen
      FROM w GROUP BY query),
  prev AS (
    SELECT query, sum(searches)::int AS searches FROM catalog_query_rollups
     WHERE span = $6 AND bucket >= $3 AND bucket < $1 AND query IN (SELECT query FROM cur WHERE searches >= $5) GROUP BY query)
  SELECT
    (SELECT json_build_object('searches', coalesce(sum(searches), 0), 'zero', coalesce(sum(zero), 0), 'clicked', coalesce(sum(clicked), 0), 'queries', count(*)) FROM cur) AS totals,
    (SELECT coalesce(json_agg(t), '[]') FROM (SELECT * FROM cur ORDER BY searches DESC, query LIMIT $4) t) AS top,
    (SELECT coalesce(json_agg(t), '[]') FROM (
       SELECT cur.*, coalesce(prev.searches, 0) AS previous FROM cur LEFT JOIN prev USING (query)
        WHERE cur.searches >= $5 AND cur.searches > coalesce(prev.searches, 0) AND cur.searches >= $7::float8 * coalesce(prev.searches, 0)
        ORDER BY cur.searches - coalesce(prev.searches, 0) DESC, cur.query LIMIT $4) t) AS trending,
    (SELECT coalesce(json_agg(t), '[]') FROM (SELECT * FROM cur WHERE zero > 0 ORDER BY zero DESC, last_seen DESC LIMIT $4) t) AS zero,
    (SELECT coalesce(json_agg(t), '[]') FROM (
       SELECT * FROM cur WHERE searches - zero - clicked > 0 ORDER BY searches - zero - clicked DESC, query LIMIT $4) t) AS no_click,
    (SELECT coalesce(json_agg(x ORDER BY x.t), '[]') FROM (
       SELECT bucket AS t, sum(searches)::int AS searches, sum(zero_results)::int AS zero FROM w GROUP BY bucket) x) AS series`;

interface RawRow {
  query: string;
  searches: number;
  zero: number;
  clicked: number;
  clicks: number;
  pos_sum: number;
  last_seen: string;
  previous?: number;
}

function toQueryRow(r: RawRow): QueryRow {
  const withResults = r.searches - r.zero;
  return {
    query: r.query,
    searches: r.searches,
    zero_result_searches: r.zero,
    searches_without_clicks: Math.max(0, withResults - r.clicked),
    clicked_searches: r.clicked,
    clicks: r.clicks,
    ctr: ratio(r.clicked, withResults),
    avg_click_position: r.clicks > 0 ? Math.round((r.pos_sum / r.clicks) * 100) / 100 : null,
    last_seen: new Date(r.last_seen).toISOString(),
  };
}

const SPAN_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/** The window's buckets: [from, to) with `to` the end of the current UTC hour (24h) or day (7d, 30d). */
export function windowBounds(window: InsightWindow, now: Date): { from: Date; to: Date; previousFrom: Date } {
  const { span, buckets } = INSIGHT_WINDOWS[window];
  const ms = SPAN_MS[span];
  const to = new Date(Math.floor(now.getTime() / ms) * ms + ms);
  const from = new Date(to.getTime() - buckets * ms);
  return { from, to, previousFrom: new Date(from.getTime() - buckets * ms) };
}

export async function insights(db: pg.Pool | pg.PoolClient, window: InsightWindow, opts: { now?: Date; limit?: number } = {}): Promise<Insights> {
  const now = opts.now ?? new Date();
  const limit = opts.limit ?? 20;
  const { from, to, previousFrom } = windowBounds(window, now);
  const { rows: [r] } = await db.query<{
    totals: { searches: number; zero: number; clicked: number; queries: number };
    top: RawRow[];
    trending: RawRow[];
    zero: RawRow[];
    no_click: RawRow[];
    series: { t: string; searches: number; zero: number }[];
  }>(INSIGHTS_SQL, [from, to, previousFrom, limit, TRENDING_MIN_SEARCHES, INSIGHT_WINDOWS[window].span, TRENDING_MIN_GROWTH]);
  const t = r.totals;
  const withResults = t.searches - t.zero;
  return {
    window,
    from: from.toISOString(),
    to: to.toISOString(),
    generated_at: now.toISOString(),
    totals: {
      searches: t.searches,
      zero_result_searches: t.zero,
      zero_result_rate: ratio(t.zero, t.searches),
      clicked_searches: t.clicked,
      ctr: ratio(t.clicked, withResults),
      searches_without_clicks: Math.max(0, withResults - t.clicked),
      distinct_queries: t.queries,
    },
    top_queries: r.top.map(toQueryRow),
    trending: r.trending.map((x) => {
      const previous = x.previous ?? 0;
      return { ...toQueryRow(x), previous_searches: previous, rise: x.searches - previous, growth: previous > 0 ? Math.round((x.searches / previous) * 100) / 100 : null };
    }),
    zero_result_queries: r.zero.map(toQueryRow),
    no_click_queries: r.no_click.map(toQueryRow),
    series: r.series.map((p) => ({ t: new Date(p.t).toISOString(), searches: p.searches, zero_result_searches: p.zero, zero_result_rate: ratio(p.zero, p.searches) })),
  };
}

/** How old served insights may be: the page polls every 15 s; computing a 30-day window over a long tail costs hundreds of ms (docs/benchmarks.md). */
export const INSIGHTS_CACHE_MS = 30_000;
const insightsCache = processSingleton("catalogInsightsCache", () => new Map<string, { at: number; value: Promise<Insights> }>());

/**
 * insights() behind a per-process cache of INSIGHTS_CACHE_MS: every merchandiser's page, the export
 * and the API share one computation per window (concurrent callers wait for the same one; a failure
 * is not cached). `generated_at` says how old the figures are.
 */
export function cachedInsights(db: pg.Pool, window: InsightWindow, limit = 20): Promise<Insights> {
  const key = `${window}:${limit}`;
  const hit = insightsCache.get(key);
  if (hit && Date.now() - hit.at < INSIGHTS_CACHE_MS) return hit.value;
  const value = insights(db, window, { limit });
  insightsCache.set(key, { at: Date.now(), value });
  value.catch(() => insightsCache.delete(key));
  return value;
}

/** GET /api/v1/catalog/observability: small (< 1 KB), the shape `opsdeck check observability` reads. */
export async function observabilitySnapshot(db: pg.Pool, opts: { minSampleSize?: number; now?: Date } = {}) {
  const zero = await zeroResultsRate(db, opts);
  const { rows: [p] } = await db.query<{ active: number }>(`SELECT count(*)::int AS active FROM catalog_products WHERE active`);
  return { zero_results: zero, products: { active: p.active } };
}
