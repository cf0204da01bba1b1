// Telemetry settings (seed 002: SLOW_REQUEST_WARNING_MS, SLOW_QUERY_THRESHOLD_MS,
// MAX_QUERIES_PER_REQUEST). Read once per process: the request path must not re-parse the
// environment; tests change process.env and call resetTelemetrySettings().
import { z } from "zod";
import { envFor, envHelpers } from "../env";
import { processSingleton } from "../global";

const { bool, int } = envHelpers;

const schema = z.object({
  TELEMETRY_EVENTS_ENABLED: bool(true),
  SLOW_REQUEST_WARNING_MS: int(1500, 0),
  SLOW_QUERY_THRESHOLD_MS: int(500, 0),
  MAX_QUERIES_PER_REQUEST: int(50, 1),
  QUERY_COUNT_HEADER: bool(false),
  /** Events held in memory waiting for the next batch write; beyond it new events are dropped (counted). */
  TELEMETRY_EVENT_BUFFER: int(10_000),
  TELEMETRY_FLUSH_INTERVAL_MS: int(1_000, 10),
  /**
   * task.started/task.completed pairs recorded per second per runtime and task type in one process;
   * the rest are counted (telemetry_task_events_unsampled_total) but not stored. task.failed is always stored.
   */
  TELEMETRY_TASK_EVENTS_PER_SECOND: int(20, 0),
  /**
   * cache.roundtrip events stored per second per cache and result in one process; every lookup still
   * counts in cache_requests_total. Signed-in API requests look up two caches each (docs/reliability.md).
   */
  TELEMETRY_CACHE_EVENTS_PER_SECOND: int(20, 0),
  TELEMETRY_EVENTS_RETENTION_HOURS: z.coerce.number().positive().default(72),
  /** Per-minute request statistics feed the 28-day API SLOs: keep a little more than that. */
  TELEMETRY_REQUEST_STATS_RETENTION_DAYS: z.coerce.number().positive().default(35),
});

export type TelemetrySettings = z.infer<typeof schema>;

const state = processSingleton("telemetrySettings", () => ({ value: null as TelemetrySettings | null }));

export function telemetrySettings(): TelemetrySettings {
  state.value ??= envFor("telemetry", schema);
  return state.value;
}

export function resetTelemetrySettings(): void {
  state.value = null;
}
