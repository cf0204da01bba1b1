// Retention: events older than TELEMETRY_EVENTS_RETENTION_HOURS, request statistics older than
// TELEMETRY_REQUEST_STATS_RETENTION_DAYS and sampled traces beyond their bound are deleted in
// small batches (short transactions, no long locks). Every instance may run it; deletes are idempotent.
import type pg from "pg";
import { deleteOlderThan, retentionWorker } from "../retention";
import type { WorkerDefinition } from "../worker-runtime";
import { asInternal } from "./context";
import { telemetrySettings } from "./settings";

const EVERY_MS = 5 * 60_000;
/** Spans of at most this many sampled traces are kept (the newest). */
export const MAX_SAMPLED_TRACES = 500;

export async function pruneTelemetry(pool: pg.Pool, now = new Date()): Promise<{ events: number; requestMinutes: number; spans: number }> {
  const s = telemetrySettings();
  return asInternal(async () => {
    const eventsBefore = new Date(now.getTime() - s.TELEMETRY_EVENTS_RETENTION_HOURS * 3_600_000);
    const statsBefore = new Date(now.getTime() - s.TELEMETRY_REQUEST_STATS_RETENTION_DAYS * 86_400_000);
    const events = await deleteOlderThan(pool, { table: "telemetry_events", key: "id", column: "at", before: eventsBefore });
    const requestMinutes = await deleteOlderThan(pool, { table: "http_request_minutes", key: "ctid", column: "minute", before: statsBefore });
    const { rowCount } = await pool.query(
      `delete from telemetry_spans where trace_id not in (
         select trace_id from telemetry_spans group by trace_id order by max(start_at) desc limit ${MAX_SAMPLED_TRACES})`,
    );
    return { events, requestMinutes, spans: rowCount ?? 0 };
  });
}

/** The retention loop as a worker: started with the other workers in every server and `npm run worker`. */
export function telemetryRetentionWorker(pool: () => pg.Pool): WorkerDefinition {
  return retentionWorker({
    name: "telemetry-retention",
    everyMs: EVERY_MS,
    prune: () => pruneTelemetry(pool()),
    settings: () => ({ eventsRetentionHours: telemetrySettings().TELEMETRY_EVENTS_RETENTION_HOURS, requestStatsRetentionDays: telemetrySettings().TELEMETRY_REQUEST_STATS_RETENTION_DAYS }),
  });
}
