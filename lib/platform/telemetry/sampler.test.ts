import { describe, expect, it } from "vitest";
import { SamplingDecision } from "@opentelemetry/sdk-trace-base";
import { RateLimitedSampler } from "./sampler";
import { tracesUnsampled } from "./metrics";

const unsampled = async () => (await tracesUnsampled.get()).values.reduce((s, v) => s + v.value, 0);

describe("RateLimitedSampler", () => {
  it("records the first N traces of a second and counts the rest", async () => {
    const before = await unsampled();
    const sampler = new RateLimitedSampler(3);
    const decisions = Array.from({ length: 5 }, () => sampler.shouldSample().decision);
    expect(decisions).toEqual([1, 1, 1, 0, 0].map((d) => (d ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD)));
    expect((await unsampled()) - before).toBe(2);
  });

  it("records nothing with a budget of 0", () => {
    expect(new RateLimitedSampler(0).shouldSample().decision).toBe(SamplingDecision.NOT_RECORD);
  });
});
