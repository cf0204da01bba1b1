import { BUCKETS_MS } from "@/lib/platform/telemetry/request-stats";

// The named event queries SLO definitions refer to (slo/*.yaml → metricSource.spec.query).
//
// Each query selects one row per event with its timestamp as `ts`, for events in [$1, $2); $3 is
// the definition's thresholdSeconds (null when it has none; queries without a threshold still
// mention `$3::float8 is null` because PostgreSQL must infer the type of every parameter). lib/slo/status.ts wraps them to count
// several windows in one scan and to bucket the history, so a query is written once.
//
// Choice for task success (docs/slo.md): events are FINAL attempts in fulfillment_attempts —
// outcome 'succeeded' (good) or 'dead_lettered' (bad), timed by finished_at and served by the
// (finished_at, outcome) index. Retried failures are not events: the task may still succeed. A
// dead-lettered task that an operator retries into success counts once bad, once good — both
// happened to a customer's order.

import { paymentSliQueries } from "@/lib/payments/slis";
import { reconciliationSliQueries } from "@/lib/reconciliation/slis";

export interface SliQuery {
  description: string;
  sql: string;
  /** The same events as a Prometheus counter, for exports (given the definition's thresholdSeconds); absent = no PromQL equivalent. */
  promCounter?: string | ((thresholdSeconds: number | null) => string);
  needsThreshold?: boolean;
  /** Thresholds the query can answer exactly (e.g. histogram bucket bounds); absent = any. */
  thresholds?: readonly number[];
  /** Rows are pre-aggregated: each carries its event count in column `n` (default: one event per row). */
  weighted?: boolean;
}

/** The aggregate that counts a query's events, optionally only those matching `filter`. */
export function countEvents(q: SliQuery, filter?: string): string {
  const where = filter ? ` filter (where ${filter})` : "";
  return q.weighted ? `coalesce(sum(n)${where}, 0)::int8` : `count(*)${where}::int8`;
}

// The console API's requests come pre-aggregated per minute (lib/platform/telemetry/request-stats.ts).
const LATENCY_BOUNDS_S = BUCKETS_MS.map((ms) => ms / 1000);

const SUCCEEDED_ATTEMPTS: SliQuery = {
  description: "Attempts that finished their task successfully.",
  sql: `select finished_at as ts from fulfillment_attempts
        where outcome = 'succeeded' and finished_at >= $1 and finished_at < $2 and $3::float8 is null`,
  promCounter: `fulfillment_tasks_processed_total{outcome="succeeded"}`,
};

export const SLI_QUERIES: Record<string, SliQuery> = {
  ...paymentSliQueries,
  ...reconciliationSliQueries,
  fulfillment_attempts_succeeded: SUCCEEDED_ATTEMPTS,
  fulfillment_attempts_terminal: {
    description: "Attempts that ended their task: succeeded or dead-lettered.",
    sql: `select finished_at as ts from fulfillment_attempts
          where outcome in ('succeeded', 'dead_lettered') and finished_at >= $1 and finished_at < $2 and $3::float8 is null`,
    promCounter: `fulfillment_tasks_processed_total{outcome=~"succeeded|dead_lettered"}`,
  },
  // A succeeded task leaves fulfillment_tasks and its one success attempt is its record: the same
  // events as fulfillment_attempts_succeeded, and the enqueue time for the latency below.
  fulfillment_tasks_succeeded: { ...SUCCEEDED_ATTEMPTS, description: "Tasks that succeeded, timed by finished_at." },
  fulfillment_tasks_done_within: {
    description: "Succeeded tasks whose enqueue-to-done time (finished_at − task_created_at) is at most thresholdSeconds.",
    sql: `select finished_at as ts from fulfillment_attempts
          where outcome = 'succeeded' and finished_at >= $1 and finished_at < $2
            and finished_at - task_created_at <= make_interval(secs => $3::float8)`,
    needsThreshold: true,
  },
  // Catalog (docs/catalog.md): one event per logged search, served by the (searched_at, result_count) index.
  catalog_searches_with_results: {
    description: "Logged catalog searches that returned at least one product.",
    sql: `select searched_at as ts from catalog_searches
          where result_count > 0 and searched_at >= $1 and searched_at < $2 and $3::float8 is null`,
    promCounter: `catalog_searches_total{outcome="results"}`,
  },
  catalog_searches_all: {
    description: "Every logged catalog search.",
    sql: `select searched_at as ts from catalog_searches
          where searched_at >= $1 and searched_at < $2 and $3::float8 is null`,
    promCounter: `catalog_searches_total`,
  },
  api_requests: {
    description: "Requests answered by the console's API (every route, every instance), per minute.",
    sql: `select minute as ts, requests as n from http_request_minutes where minute >= $1 and minute < $2 and $3::float8 is null`,
    promCounter: `http_requests_total`,
    weighted: true,
  },
  api_requests_not_5xx: {
    description: "Requests the console's API answered without a server error (status below 500).",
    sql: `select minute as ts, requests as n from http_request_minutes where minute >= $1 and minute < $2 and status < 500 and $3::float8 is null`,
    promCounter: `http_requests_total{status!~"5.."}`,
    weighted: true,
  },
  api_requests_within: {
    description: "Requests the console's API answered within thresholdSeconds (a latency bucket bound), any status.",
    sql: `select minute as ts,
            (select coalesce(sum(b), 0) from unnest(buckets[1:array_position('{${LATENCY_BOUNDS_S.join(",")}}'::float8[], $3::float8)]) b) as n
          from http_request_minutes where minute >= $1 and minute < $2`,
    promCounter: (t) => `http_request_duration_seconds_bucket{le="${t}"}`,
    needsThreshold: true,
    thresholds: LATENCY_BOUNDS_S,
    weighted: true,
  },
};

export function promCounterOf(name: string, thresholdSeconds: number | null): string | undefined {
  const c = sliQuery(name).promCounter;
  return typeof c === "function" ? c(thresholdSeconds) : c;
}

export function sliQuery(name: string): SliQuery {
  const q = SLI_QUERIES[name];
  if (!q) throw new Error(`Unknown SLI query "${name}"; known: ${Object.keys(SLI_QUERIES).join(", ")} (lib/slo/slis.ts).`);
  return q;
}
