// The in-database trace sample: spans are held in memory per trace until the trace's local root
// ends; a trace slower than SLOW_REQUEST_WARNING_MS (or failed) is queued for the batch writer into
// telemetry_spans, every other trace is forgotten. Bounded everywhere: traces in flight, spans per
// trace, the span buffer; retention keeps the newest MAX_SAMPLED_TRACES traces.
import { SpanStatusCode, type Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { processSingleton } from "../global";
import { telemetrySettings } from "./settings";
import { normaliseSql } from "./sql";

export interface SpanRow {
  traceId: string;
  spanId: string;
  parentId: string | null;
  name: string;
  kind: string;
  startAt: Date;
  durationMs: number;
  status: "ok" | "error" | "unset";
  attributes: string;
}

/** A span attribute that keeps its whole trace in the sample (set by `opsdeck verify`'s probe). */
export const KEEP_TRACE_ATTRIBUTE = "opsdeck.keep_trace";
const MAX_TRACES_IN_FLIGHT = 2_000;
const MAX_SPANS_PER_TRACE = 200;
const MAX_BUFFERED_SPANS = 20_000;
const KINDS = ["internal", "server", "client", "producer", "consumer"];
const STATUS = ["unset", "ok", "error"] as const;

export const spanBuffer = processSingleton("telemetrySpanBuffer", () => ({ items: [] as SpanRow[] }));

const hrMs = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;

function attributesJson(span: ReadableSpan): string {
  const out: Record<string, string | number | boolean> = {};
  let n = 0;
  for (const [k, v] of Object.entries(span.attributes)) {
    if (v === undefined || n++ >= 20) continue;
    // Statements are kept as their shape only, like slow-query events.
    if (k === "db.statement" || k === "db.query.text") out[k] = normaliseSql(String(v));
    else out[k] = typeof v === "string" ? v.slice(0, 200) : Array.isArray(v) ? JSON.stringify(v).slice(0, 200) : v;
  }
  return JSON.stringify(out);
}

export function toRow(span: ReadableSpan): SpanRow {
  const ctx = span.spanContext();
  const start = hrMs(span.startTime);
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentId: span.parentSpanContext?.spanId ?? null,
    name: span.name.slice(0, 200),
    kind: KINDS[span.kind] ?? "internal",
    startAt: new Date(start),
    durationMs: Math.max(0, hrMs(span.endTime) - start),
    status: STATUS[span.status.code] ?? "unset",
    attributes: attributesJson(span),
  };
}

/**
 * Spans are held as they are and turned into rows only for a trace that is kept: almost every
 * trace is fast and forgotten, and building its rows (attributes as JSON, each statement's shape)
 * was a measurable share of a request's CPU under load (docs/reliability.md).
 */
export class SlowTraceSampler implements SpanProcessor {
  private traces = new Map<string, ReadableSpan[]>();

  onStart(_span: Span, _ctx: Context): void {}

  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    let spans = this.traces.get(traceId);
    if (!spans) {
      if (this.traces.size >= MAX_TRACES_IN_FLIGHT) this.traces.delete(this.traces.keys().next().value!);
      spans = [];
      this.traces.set(traceId, spans);
    }
    if (spans.length < MAX_SPANS_PER_TRACE) spans.push(span);
    const isLocalRoot = !span.parentSpanContext || span.parentSpanContext.isRemote;
    if (!isLocalRoot) return;
    this.traces.delete(traceId);
    const slow = hrMs(span.duration) > telemetrySettings().SLOW_REQUEST_WARNING_MS;
    const keep = spans.some((s) => s.status.code === SpanStatusCode.ERROR || s.attributes[KEEP_TRACE_ATTRIBUTE] === true);
    if (!slow && !keep) return;
    const room = MAX_BUFFERED_SPANS - spanBuffer.items.length;
    spanBuffer.items.push(...spans.slice(0, Math.max(0, room)).map(toRow));
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.traces.clear();
  }
}
