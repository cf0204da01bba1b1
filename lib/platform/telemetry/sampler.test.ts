import { describe, expect, it } from "vitest";
import { ROOT_CONTEXT, SpanKind } from "@opentelemetry/api";
import { SamplingDecision } from "@opentelemetry/sdk-trace-base";
import { RateLimitedSampler } from "./sampler";
import { tracesUnsampled } from "./metrics";

const unsampled = async () => (await tracesUnsampled.get()).values.reduce((s, v) => s + v.value, 0);

describe("RateLimitedSampler", () => {
  it("records the first N traces of a second and counts the rest", async () => {
    const before = await unsampled();
    const sampler = new RateLimitedSampler(3);
    const decide = (kind: SpanKind) => sampler.shouldSample(ROOT_CONTEXT, "t", "n", kind).decision;
    const requests = Array.from({ length: 5 }, () => decide(SpanKind.SERVER));
    expect(requests).toEqual([1, 1, 1, 0, 0].map((d) => (d ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD)));
    // Tasks (internal roots) have their own budget: the requests spent theirs, not the tasks'.
    expect(decide(SpanKind.INTERNAL)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect((await unsampled()) - before).toBe(2);
  });

  it("records nothing with a budget of 0", () => {
    expect(new RateLimitedSampler(0).shouldSample(ROOT_CONTEXT, "t", "n", SpanKind.SERVER).decision).toBe(SamplingDecision.NOT_RECORD);
  });
});
