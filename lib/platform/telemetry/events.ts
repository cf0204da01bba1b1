// Operational events: emitted anywhere (request path, queries, tasks, caches) without waiting for
// the database. emitEvent() appends to a bounded in-memory buffer; the writer (writer.ts) inserts
// the buffer in batches. When the buffer is full the event is dropped and counted
// (telemetry_events_dropped_total): telemetry must never slow or break the work it observes.
import { logger } from "../logger";
import { processSingleton } from "../global";
import { currentWork } from "./context";
import { eventBufferSize, eventsDropped, eventsEmitted } from "./metrics";
import { telemetrySettings } from "./settings";

export type EventSeverity = "info" | "warning" | "error";
export const EVENT_SEVERITIES: readonly EventSeverity[] = ["info", "warning", "error"];

/** The event names the platform emits; domains may add their own (lowercase words joined by dots). */
export const EVENT_NAMES = {
  slowRequest: "http.request.slow",
  slowQuery: "database.slow_query",
  queryBudgetExceeded: "database.query_budget_exceeded",
  taskStarted: "task.started",
  taskCompleted: "task.completed",
  taskFailed: "task.failed",
  cacheRoundtrip: "cache.roundtrip",
} as const;

export type TagValue = string | number | boolean;

export interface EventInput {
  name: string;
  severity?: EventSeverity;
  /** Bounded keys (task, cache, result, method, status…); values are cut to 200 characters. */
  tags?: Record<string, TagValue>;
  durationMs?: number;
  /** Normalised SQL or an error message: free text lives here, never in tags or metric labels. */
  detail?: string;
  route?: string;
  requestId?: string;
  traceId?: string;
  at?: Date;
}

export interface BufferedEvent {
  at: Date;
  name: string;
  severity: EventSeverity;
  route: string | null;
  tags: string;
  requestId: string | null;
  traceId: string | null;
  durationMs: number | null;
  detail: string | null;
}

const NAME_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const TAG_KEY_RE = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_TAGS = 12;

export const eventBuffer = processSingleton("telemetryEventBuffer", () => ({ items: [] as BufferedEvent[], onFull: null as (() => void) | null }));

function tagsJson(tags: Record<string, TagValue> | undefined): string {
  if (!tags) return "{}";
  const out: Record<string, TagValue> = {};
  let n = 0;
  for (const [k, v] of Object.entries(tags)) {
    if (!TAG_KEY_RE.test(k) || n++ >= MAX_TAGS) continue;
    out[k] = typeof v === "string" ? v.slice(0, 200) : v;
  }
  return JSON.stringify(out);
}

const LOG_LEVEL: Record<EventSeverity, "debug" | "warn" | "error"> = { info: "debug", warning: "warn", error: "error" };

/** A flush is triggered early once this many events wait. */
export const FLUSH_AT = 2_000;

export function emitEvent(input: EventInput): void {
  const settings = telemetrySettings();
  if (!settings.TELEMETRY_EVENTS_ENABLED) return;
  if (!NAME_RE.test(input.name) || input.name.length > 64) throw new Error(`Event name "${input.name}" must be dotted lowercase words (e.g. "http.request.slow").`);
  const severity = input.severity ?? "info";
  const work = currentWork();
  eventsEmitted.inc({ name: input.name, severity });
  const route = input.route ?? work?.route ?? null;
  const requestId = input.requestId ?? work?.requestId ?? null;
  const traceId = input.traceId ?? work?.traceId ?? null;
  const durationMs = input.durationMs === undefined ? null : Math.round(input.durationMs * 1000) / 1000;
  const detail = input.detail === undefined ? null : input.detail.slice(0, 2_000);
  const level = LOG_LEVEL[severity];
  // Emitting sits on hot paths (every sampled task): build nothing nobody will read.
  if (logger.isLevelEnabled(level)) logger[level]({ event: input.name, route, requestId, traceId, durationMs, tags: input.tags, detail }, input.name);
  const buffer = eventBuffer.items;
  if (buffer.length >= settings.TELEMETRY_EVENT_BUFFER) {
    eventsDropped.inc();
    return;
  }
  buffer.push({
    at: input.at ?? new Date(),
    name: input.name,
    severity,
    route,
    tags: tagsJson(input.tags),
    requestId,
    traceId,
    durationMs,
    detail,
  });
  eventBufferSize.set(buffer.length);
  if (buffer.length >= FLUSH_AT) eventBuffer.onFull?.();
}

/**
 * A per-key budget of `perSecond` a second (fixed one-second windows): whether this occurrence may
 * be recorded. For events that would otherwise arrive thousands a second (one per task).
 */
export function eventSampler(perSecond: () => number) {
  const windows = new Map<string, { start: number; taken: number }>();
  return (key: string): boolean => {
    const limit = perSecond();
    if (limit <= 0) return false;
    const now = Date.now();
    let w = windows.get(key);
    if (!w || now - w.start >= 1_000) {
      w = { start: now, taken: 0 };
      windows.set(key, w);
    }
    if (w.taken >= limit) return false;
    w.taken++;
    return true;
  };
}
