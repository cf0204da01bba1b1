// Batch writer for events and request statistics: one multi-row INSERT per table per flush
// (unnest of arrays: one round trip for thousands of rows), every TELEMETRY_FLUSH_INTERVAL_MS or as
// soon as FLUSH_AT events wait. A failed write puts the rows back (the buffer bound still holds),
// so a database blip loses nothing and a long outage loses only what overflows, counted.
import type pg from "pg";
import { logger } from "../logger";
import { processSingleton } from "../global";
import { asInternal, outsideWork } from "./context";
import { eventBuffer, type BufferedEvent } from "./events";
import { eventBufferSize, eventWriteErrors, eventsDropped } from "./metrics";
import { restorePendingStats, takePendingStats, type MinuteStats } from "./request-stats";
import { telemetrySettings } from "./settings";
import { spanBuffer, type SpanRow } from "./slow-traces";

const CHUNK = 5_000;

const writer = processSingleton("telemetryWriter", () => ({
  pool: null as (() => pg.Pool) | null,
  timer: null as NodeJS.Timeout | null,
  running: null as Promise<void> | null,
  again: false,
}));

export async function insertEvents(pool: pg.Pool, events: BufferedEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    await pool.query(
      `insert into telemetry_events (at, name, severity, route, tags, request_id, trace_id, duration_ms, detail)
       select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::float8[], $9::text[])`,
      [
        chunk.map((e) => e.at),
        chunk.map((e) => e.name),
        chunk.map((e) => e.severity),
        chunk.map((e) => e.route),
        chunk.map((e) => e.tags),
        chunk.map((e) => e.requestId),
        chunk.map((e) => e.traceId),
        chunk.map((e) => e.durationMs),
        chunk.map((e) => e.detail),
      ],
    );
  }
}

export async function upsertRequestStats(pool: pg.Pool, stats: MinuteStats[]): Promise<void> {
  if (stats.length === 0) return;
  // Buckets travel as array literals (unnest would flatten a 2-D array); several instances add to the same rows.
  await pool.query(
    `insert into http_request_minutes as t (minute, route, method, status, requests, duration_sum_ms, max_ms, buckets)
     select u.minute, u.route, u.method, u.status, u.requests, u.sum_ms, u.max_ms, u.buckets::bigint[]
     from unnest($1::timestamptz[], $2::text[], $3::text[], $4::int2[], $5::int8[], $6::float8[], $7::float8[], $8::text[])
       as u(minute, route, method, status, requests, sum_ms, max_ms, buckets)
     on conflict (minute, route, method, status) do update set
       requests = t.requests + excluded.requests,
       duration_sum_ms = t.duration_sum_ms + excluded.duration_sum_ms,
       max_ms = greatest(t.max_ms, excluded.max_ms),
       buckets = array(select a + b from unnest(t.buckets, excluded.buckets) with ordinality as z(a, b, i) order by i)`,
    [
      stats.map((s) => new Date(s.minute)),
      stats.map((s) => s.route),
      stats.map((s) => s.method),
      stats.map((s) => s.status),
      stats.map((s) => s.requests),
      stats.map((s) => s.sumMs),
      stats.map((s) => s.maxMs),
      stats.map((s) => `{${s.buckets.join(",")}}`),
    ],
  );
}

export async function insertSpans(pool: pg.Pool, spans: SpanRow[]): Promise<void> {
  if (spans.length === 0) return;
  await pool.query(
    `insert into telemetry_spans (trace_id, span_id, parent_id, name, kind, start_at, duration_ms, status, attributes)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::float8[], $8::text[], $9::jsonb[])
     on conflict do nothing`,
    [
      spans.map((s) => s.traceId),
      spans.map((s) => s.spanId),
      spans.map((s) => s.parentId),
      spans.map((s) => s.name),
      spans.map((s) => s.kind),
      spans.map((s) => s.startAt),
      spans.map((s) => s.durationMs),
      spans.map((s) => s.status),
      spans.map((s) => s.attributes),
    ],
  );
}

function requeue(events: BufferedEvent[]): void {
  const buffer = eventBuffer.items;
  const room = Math.max(0, telemetrySettings().TELEMETRY_EVENT_BUFFER - buffer.length);
  const kept = events.slice(0, room);
  if (events.length > kept.length) eventsDropped.inc(events.length - kept.length);
  buffer.unshift(...kept);
}

async function flushOnce(pool: pg.Pool): Promise<void> {
  const events = eventBuffer.items.splice(0, eventBuffer.items.length);
  const stats = takePendingStats();
  // Sampled traces are a best-effort sample: a failed write drops them.
  const spans = spanBuffer.items.splice(0, spanBuffer.items.length);
  eventBufferSize.set(eventBuffer.items.length);
  if (events.length === 0 && stats.length === 0 && spans.length === 0) return;
  try {
    await asInternal(() => Promise.all([insertEvents(pool, events), upsertRequestStats(pool, stats), insertSpans(pool, spans)]));
  } catch (err) {
    eventWriteErrors.inc();
    logger.warn({ err, events: events.length, statRows: stats.length }, "telemetry write failed; keeping the rows for the next attempt");
    requeue(events);
    restorePendingStats(stats);
  } finally {
    eventBufferSize.set(eventBuffer.items.length);
  }
}

/** Writes everything buffered so far (tests, verify, shutdown). Concurrent calls share one run. */
export function flushTelemetry(): Promise<void> {
  const pool = writer.pool?.();
  if (!pool) return Promise.resolve();
  if (writer.running) {
    writer.again = true;
    return writer.running;
  }
  writer.running = (async () => {
    do {
      writer.again = false;
      await flushOnce(pool);
    } while (writer.again);
  })().finally(() => {
    writer.running = null;
  });
  return writer.running;
}

/**
 * Starts the periodic flush in this process (idempotent). `pool` is a getter so the writer never
 * opens a connection before something was emitted.
 */
export function startTelemetryWriter(pool: () => pg.Pool): void {
  writer.pool = pool;
  if (writer.timer) return;
  outsideWork(() => {
    writer.timer = setInterval(() => void flushTelemetry(), telemetrySettings().TELEMETRY_FLUSH_INTERVAL_MS);
    writer.timer.unref();
    eventBuffer.onFull = () => setImmediate(() => void flushTelemetry());
  });
}

export async function stopTelemetryWriter(): Promise<void> {
  if (writer.timer) clearInterval(writer.timer);
  writer.timer = null;
  eventBuffer.onFull = null;
  await flushTelemetry();
}
