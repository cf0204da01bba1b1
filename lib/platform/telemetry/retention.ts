// Retention: events older than TELEMETRY_EVENTS_RETENTION_HOURS, request statistics older than
// TELEMETRY_REQUEST_STATS_RETENTION_DAYS and sampled traces beyond their bound are deleted in
// small batches (short transactions, no long locks). Every instance may run it; deletes are idempotent.
import type pg from "pg";
import { DELETE_BATCH, deleteInBatches } from "../batch-delete";
import { logger } from "../logger";
import type { WorkerDefinition } from "../worker-runtime";
import { asInternal, outsideWork } from "./context";
import { telemetrySettings } from "./settings";

const BATCH = DELETE_BATCH;
const EVERY_MS = 5 * 60_000;
/** Spans of at most this many sampled traces are kept (the newest). */
export const MAX_SAMPLED_TRACES = 500;

export async function pruneTelemetry(pool: pg.Pool, now = new Date()): Promise<{ events: number; requestMinutes: number; spans: number }> {
  const s = telemetrySettings();
  return asInternal(async () => {
    const eventsBefore = new Date(now.getTime() - s.TELEMETRY_EVENTS_RETENTION_HOURS * 3_600_000);
    const statsBefore = new Date(now.getTime() - s.TELEMETRY_REQUEST_STATS_RETENTION_DAYS * 86_400_000);
    const events = await deleteInBatches(pool, `delete from telemetry_events where id in (select id from telemetry_events where at < $1 limit ${BATCH})`, [eventsBefore]);
    const requestMinutes = await deleteInBatches(
      pool,
      `delete from http_request_minutes where ctid in (select ctid from http_request_minutes where minute < $1 limit ${BATCH})`,
      [statsBefore],
    );
    const { rowCount } = await pool.query(
      `delete from telemetry_spans where trace_id not in (
         select trace_id from telemetry_spans group by trace_id order by max(start_at) desc limit ${MAX_SAMPLED_TRACES})`,
    );
    return { events, requestMinutes, spans: rowCount ?? 0 };
  });
}

/** The retention loop as a worker: started with the other workers in every server and `npm run worker`. */
export function telemetryRetentionWorker(pool: () => pg.Pool): WorkerDefinition {
  return {
    name: "telemetry-retention",
    enabled: () => ({ enabled: true, settings: { eventsRetentionHours: telemetrySettings().TELEMETRY_EVENTS_RETENTION_HOURS, requestStatsRetentionDays: telemetrySettings().TELEMETRY_REQUEST_STATS_RETENTION_DAYS } }),
    async start() {
      const run = () =>
        pruneTelemetry(pool()).then(
          (r) => logger.debug({ ...r }, "telemetry retention pass"),
          (err) => logger.warn({ err }, "telemetry retention pass failed; will retry"),
        );
      const timer = outsideWork(() => setInterval(() => void run(), EVERY_MS));
      timer.unref();
      void run();
      return { stop: async () => clearInterval(timer) };
    },
  };
}
