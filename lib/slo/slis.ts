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

export interface SliQuery {
  description: string;
  sql: string;
  /** The same events as a Prometheus counter, for exports; absent = no PromQL equivalent. */
  promCounter?: string;
  needsThreshold?: boolean;
}

export const SLI_QUERIES: Record<string, SliQuery> = {
  ...paymentSliQueries,
  fulfillment_attempts_succeeded: {
    description: "Attempts that finished their task successfully.",
    sql: `select finished_at as ts from fulfillment_attempts
          where outcome = 'succeeded' and finished_at >= $1 and finished_at < $2 and $3::float8 is null`,
    promCounter: `fulfillment_tasks_processed_total{outcome="succeeded"}`,
  },
  fulfillment_attempts_terminal: {
    description: "Attempts that ended their task: succeeded or dead-lettered.",
    sql: `select finished_at as ts from fulfillment_attempts
          where outcome in ('succeeded', 'dead_lettered') and finished_at >= $1 and finished_at < $2 and $3::float8 is null`,
    promCounter: `fulfillment_tasks_processed_total{outcome=~"succeeded|dead_lettered"}`,
  },
  fulfillment_tasks_succeeded: {
    description: "Tasks that succeeded, timed by finished_at.",
    sql: `select finished_at as ts from fulfillment_tasks
          where status = 'succeeded' and finished_at >= $1 and finished_at < $2 and $3::float8 is null`,
  },
  fulfillment_tasks_done_within: {
    description: "Succeeded tasks whose enqueue-to-done time (finished_at − created_at) is at most thresholdSeconds.",
    sql: `select finished_at as ts from fulfillment_tasks
          where status = 'succeeded' and finished_at >= $1 and finished_at < $2
            and finished_at - created_at <= make_interval(secs => $3::float8)`,
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
};

export function sliQuery(name: string): SliQuery {
  const q = SLI_QUERIES[name];
  if (!q) throw new Error(`Unknown SLI query "${name}"; known: ${Object.keys(SLI_QUERIES).join(", ")} (lib/slo/slis.ts).`);
  return q;
}
