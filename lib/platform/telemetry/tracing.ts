// Spans per request and per task through @opentelemetry/api. Until a tracer provider is
// registered (lib/platform/telemetry/otel.ts, when tracing is on) these are straight calls: no span
// objects, no context switches, so tracing off costs nothing measurable (bench/telemetry.ts).
import { SpanStatusCode, trace, type Span, type TracerProvider } from "@opentelemetry/api";
import { processSingleton } from "../global";

const state = processSingleton("telemetryTracing", () => ({ enabled: false, provider: null as TracerProvider | null }));

export function tracingEnabled(): boolean {
  return state.enabled;
}

/** `provider`: ours when it is not the global one (otel.ts); without it, the global provider. */
export function setTracingEnabled(on: boolean, provider: TracerProvider | null = null): void {
  state.enabled = on;
  state.provider = provider;
}

const tracer = () => (state.provider ?? trace.getTracerProvider()).getTracer("opsdeck");

async function inSpan<T>(name: string, attributes: Record<string, string | number>, fn: () => Promise<T>, statusOf?: (r: T) => number): Promise<T> {
  if (!state.enabled) return fn();
  return tracer().startActiveSpan(name, { attributes }, async (span: Span) => {
    try {
      const result = await fn();
      const status = statusOf?.(result);
      if (status !== undefined) {
        span.setAttribute("http.response.status_code", status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      }
      return result;
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
      throw err;
    } finally {
      span.end();
    }
  });
}

export function withRequestSpan(method: string, route: string, fn: () => Promise<Response>): Promise<Response> {
  return inSpan(`${method} ${route}`, { "http.request.method": method, "http.route": route }, fn, (r) => r.status);
}

export function withTaskSpan<T>(runtime: string, task: string, fn: () => Promise<T>): Promise<T> {
  return inSpan(`task ${runtime}.${task}`, { "task.runtime": runtime, "task.name": task }, fn);
}

/** Marks the active trace to be kept in the in-database sample however fast it is. */
export function keepCurrentTrace(): void {
  if (state.enabled) trace.getActiveSpan()?.setAttribute("opsdeck.keep_trace", true);
}

/** The active trace id, or undefined when tracing is off. */
export function currentTraceId(): string | undefined {
  if (!state.enabled) return undefined;
  const span = trace.getActiveSpan();
  // An unsampled trace has an id but no spans: an event must not link to a waterfall that is not there.
  if (!span?.isRecording()) return undefined;
  const id = span.spanContext().traceId;
  return id && !/^0+$/.test(id) ? id : undefined;
}
