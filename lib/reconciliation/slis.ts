// Reconciliation's SLI event queries (slo/reconciliation-*.yaml; contract in lib/slo/slis.ts): one
// row per event with its timestamp `ts` in [$1, $2); $3 is the definition's thresholdSeconds.
import type { SliQuery } from "@/lib/slo/slis";
import { BUCKETS_MS } from "@/lib/platform/telemetry/request-stats";
import { ATTEMPT_BUCKETS_S } from "./attempt-buckets";

const LATENCY_BOUNDS_S = BUCKETS_MS.map((ms) => ms / 1000);
const SUBMIT_ROUTE = "/api/v1/reconciliation/submissions";

export const reconciliationSliQueries: Record<string, SliQuery> = {
  reconciliation_first_attempts: {
    description: "Claims whose first reconciliation attempt finished, timed by submission.",
    sql: `select submitted_at as ts from reconciliation_submissions
          where submitted_at >= $1 and submitted_at < $2 and first_attempt_at is not null and $3::float8 is null`,
  },
  reconciliation_first_attempts_within: {
    description: "Claims whose first attempt finished within thresholdSeconds of submission.",
    sql: `select submitted_at as ts from reconciliation_submissions
          where submitted_at >= $1 and submitted_at < $2 and first_attempt_at <= submitted_at + make_interval(secs => $3::float8)`,
    needsThreshold: true,
  },
  reconciliation_attempts: {
    description: "Reconciliation attempts (fetch through the breaker, classification and writes).",
    sql: `select finished_at as ts from reconciliation_attempts where finished_at >= $1 and finished_at < $2 and $3::float8 is null`,
    promCounter: "reconciliation_attempt_duration_seconds_count",
  },
  reconciliation_attempts_within: {
    description: "Reconciliation attempts that took at most thresholdSeconds.",
    sql: `select finished_at as ts from reconciliation_attempts where finished_at >= $1 and finished_at < $2 and duration_ms <= $3::float8 * 1000`,
    promCounter: (t) => `reconciliation_attempt_duration_seconds_bucket{le="${t}"}`,
    needsThreshold: true,
    // The histogram's bucket bounds (metrics.ts), so the PromQL export counts the same events.
    thresholds: ATTEMPT_BUCKETS_S,
  },
  reconciliation_terminal: {
    description: "Claims that reached a terminal status (matched, discrepancy, overclaim, missing), timed by reconciled_at.",
    sql: `select reconciled_at as ts from reconciliation_submissions where reconciled_at >= $1 and reconciled_at < $2 and $3::float8 is null`,
    promCounter: "reconciliation_status_total",
  },
  reconciliation_terminal_not_missing: {
    description: "Claims that reached a terminal status other than missing.",
    sql: `select reconciled_at as ts from reconciliation_submissions where reconciled_at >= $1 and reconciled_at < $2 and status <> 'missing' and $3::float8 is null`,
    promCounter: `reconciliation_status_total{status!="missing"}`,
  },
  reconciliation_submissions: {
    description: "Requests to the submission endpoint (POST), per minute, any status.",
    sql: `select minute as ts, requests as n from http_request_minutes where minute >= $1 and minute < $2 and route = '${SUBMIT_ROUTE}' and method = 'POST' and $3::float8 is null`,
    promCounter: `http_requests_total{route="${SUBMIT_ROUTE}",method="POST"}`,
    weighted: true,
  },
  reconciliation_submissions_within: {
    description: "Submission requests answered within thresholdSeconds (a latency bucket bound).",
    sql: `select minute as ts,
            (select coalesce(sum(b), 0) from unnest(buckets[1:array_position('{${LATENCY_BOUNDS_S.join(",")}}'::float8[], $3::float8)]) b) as n
          from http_request_minutes where minute >= $1 and minute < $2 and route = '${SUBMIT_ROUTE}' and method = 'POST'`,
    promCounter: (t) => `http_request_duration_seconds_bucket{route="${SUBMIT_ROUTE}",method="POST",le="${t}"}`,
    needsThreshold: true,
    thresholds: LATENCY_BOUNDS_S,
    weighted: true,
  },
};
