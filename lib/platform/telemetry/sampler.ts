// Head sampling by rate: the first OPSDECK_TRACES_PER_SECOND new traces of each second in a process
// are recorded, the others run untraced (counted in telemetry_traces_unsampled_total). Requests and
// tasks have a budget each (by span kind: server roots, internal roots), so a queue running
// thousands of tasks a second cannot spend the requests' share. Recording a
// request's spans (Next.js's own, ours, one per query) was about a fifth of its CPU under load
// (docs/reliability.md); a console's own traffic stays well inside the budget, so every request is
// traced until a burst, and a burst cannot make tracing its bottleneck. Slow requests beyond the
// budget still raise http.request.slow events; only their waterfall is missing.
import type { Context, SpanKind } from "@opentelemetry/api";
import { SamplingDecision, type Sampler, type SamplingResult } from "@opentelemetry/sdk-trace-base";
import { eventSampler } from "./events";
import { tracesUnsampled } from "./metrics";

export class RateLimitedSampler implements Sampler {
  private readonly allow: (key: string) => boolean;

  constructor(private readonly perSecond: number) {
    this.allow = eventSampler(() => perSecond);
  }

  shouldSample(_context: Context, _traceId: string, _name: string, kind: SpanKind): SamplingResult {
    if (this.allow(String(kind))) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    tracesUnsampled.inc();
    return { decision: SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return `RateLimitedSampler{${this.perSecond}/s}`;
  }
}
