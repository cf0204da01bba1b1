// OpenTelemetry tracing, started once per process from instrumentation.ts (and by the standalone
// worker): the Node tracer provider with HTTP (incoming requests, outgoing provider calls) and pg
// (every query) instrumentation, plus our spans per route and per task (tracing.ts).
// Export: OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set; always a bounded in-database sample of
// recent slow or failed traces (slow-traces.ts), which the console draws as a waterfall.
// OPSDECK_TRACING=false registers nothing: tracing.ts then makes plain calls.
import { context, propagation } from "@opentelemetry/api";
import { z } from "zod";
import { envFor, envHelpers } from "../env";
import { logger } from "../logger";
import { processSingleton } from "../global";
import { setTracingEnabled } from "./tracing";
import { RateLimitedSampler } from "./sampler";
import { SlowTraceSampler } from "./slow-traces";

const schema = z.object({
  OPSDECK_TRACING: envHelpers.bool(true),
  /** New traces recorded per second in this process; the rest run untraced (sampler.ts). */
  OPSDECK_TRACES_PER_SECOND: envHelpers.int(50, 0),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().default("opsdeck"),
});

const state = processSingleton("otel", () => ({ started: false, shutdown: null as (() => Promise<void>) | null }));

export async function startTracing(): Promise<void> {
  if (state.started) return;
  state.started = true;
  const s = envFor("tracing", schema);
  if (!s.OPSDECK_TRACING) {
    logger.info({ event: "tracing_disabled" }, "tracing is off (OPSDECK_TRACING=false)");
    return;
  }
  const [
    { NodeTracerProvider, BatchSpanProcessor, ParentBasedSampler },
    { registerInstrumentations },
    { HttpInstrumentation },
    { PgInstrumentation },
    { resourceFromAttributes },
    { AsyncLocalStorageContextManager },
    { W3CTraceContextPropagator },
  ] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/instrumentation"),
    import("@opentelemetry/instrumentation-http"),
    import("@opentelemetry/instrumentation-pg"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/core"),
  ]);
  const processors = [new SlowTraceSampler()];
  if (s.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and _HEADERS) itself and appends /v1/traces.
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter()) as never);
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": s.OTEL_SERVICE_NAME }),
    spanProcessors: processors,
    // A child follows its parent (a caller's traceparent included), so a trace is whole or absent.
    sampler: new ParentBasedSampler({ root: new RateLimitedSampler(s.OPSDECK_TRACES_PER_SECOND) }),
  });
  // The context manager and propagator are global (spans nest across awaits; traceparent is read
  // and sent), the tracer provider is not: Next.js traces its own internals (several spans a request)
  // through the global provider, and with ours registered that was a large share of a request's CPU
  // under load (docs/reliability.md). Our spans and the instrumentations get `provider` directly.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Probes and scrapes every few seconds would only be noise in traces.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(api\/healthz|api\/readyz|metrics)\b/.test(req.url ?? "") || /^\/_next\//.test(req.url ?? "") }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  setTracingEnabled(true, provider);
  state.shutdown = () => provider.shutdown();
  logger.info({ event: "tracing_enabled", otlp: s.OTEL_EXPORTER_OTLP_ENDPOINT ?? null }, s.OTEL_EXPORTER_OTLP_ENDPOINT ? "tracing on: OTLP export and slow-trace sample" : "tracing on: slow-trace sample in the database");
}

export async function stopTracing(): Promise<void> {
  await state.shutdown?.();
}
