// Telemetry's own Prometheus metrics. Labels stay bounded: event names and severities are
// code-defined, routes are templates, task and cache names come from code.
import { counter, gauge, histogram } from "../metrics";

export const eventsEmitted = counter("telemetry_events_total", "Operational events emitted, by event name and severity", ["name", "severity"] as const);
export const eventsDropped = counter("telemetry_events_dropped_total", "Events dropped because the in-memory buffer was full (the database is slow or down)");
export const eventWriteErrors = counter("telemetry_event_write_errors_total", "Failed batch writes of events or request statistics (retried until the buffer overflows)");
export const tracesUnsampled = counter(
  "telemetry_traces_unsampled_total",
  "Local root traces not recorded because more than OPSDECK_TRACES_PER_SECOND started in the same second (this process)",
);
export const taskEventsUnsampled = counter(
  "telemetry_task_events_unsampled_total",
  "Tasks whose started/completed events were not stored (over TELEMETRY_TASK_EVENTS_PER_SECOND), by worker runtime",
  ["runtime"] as const,
);
export const eventBufferSize = gauge("telemetry_event_buffer_events", "Events waiting in this process's buffer for the next batch write");
export const dbQueryDuration = histogram(
  "db_query_duration_seconds",
  "Database query duration, every query of this process",
  [],
  [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
);
export const queryBudgetExceeded = counter(
  "db_query_budget_exceeded_total",
  "Requests that ran more than MAX_QUERIES_PER_REQUEST database queries, by route template and method",
  ["route", "method"] as const,
);
export const taskRuntime = histogram(
  "task_runtime_seconds",
  "Background task runtime by worker runtime, task name and outcome",
  ["runtime", "task", "outcome"] as const,
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
);
export const cacheRequests = counter("cache_requests_total", "Cache lookups by cache name and result (hit or miss)", ["cache", "result"] as const);
