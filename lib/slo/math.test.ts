import { describe, expect, it } from "vitest";
import {
  alertFactor,
  budgetPpm,
  budgetRemaining,
  burnRate,
  burnRateExceeds,
  parseDuration,
  projectedExhaustion,
  sliRatio,
  targetPpm,
} from "./math";

const DAY = 86_400;

describe("targets", () => {
  it("holds 99.9 % as integer ppm without floating residue", () => {
    expect(1 - 0.999).not.toBe(0.001); // the problem being avoided
    expect(targetPpm(0.999)).toBe(999_000);
    expect(budgetPpm(0.999)).toBe(1_000);
    expect(budgetPpm(0.99)).toBe(10_000);
    expect(budgetPpm(0.9995)).toBe(500);
  });
  it("rejects targets of 0, 1 and beyond", () => {
    expect(() => targetPpm(1)).toThrow(/strictly between 0 and 1/);
    expect(() => targetPpm(0)).toThrow();
    expect(() => targetPpm(99.9)).toThrow();
  });
});

describe("sli and burn rate", () => {
  it("computes hand-worked cases", () => {
    // 997 good of 1000 at 99.9 %: error rate 0.3 % = 3 × the 0.1 % budget.
    expect(sliRatio(997, 1000)).toBe(0.997);
    expect(burnRate(997, 1000, 0.999)).toBe(3);
    // 1 bad of 3 at 99 %: 33.33 % / 1 % = 33.333333333.
    expect(burnRate(2, 3, 0.99)).toBe(33.333333333);
    expect(burnRate(1000, 1000, 0.999)).toBe(0);
  });
  it("is exact at the boundary where naive floats are not", () => {
    expect(6 / 1000 / (1 - 0.999)).not.toBe(6); // naive: 5.999999999999995
    expect(burnRate(994, 1000, 0.999)).toBe(6);
    expect(burnRateExceeds(994, 1000, 0.999, 6)).toBe(false); // exactly 6 is not > 6
    expect(burnRateExceeds(993, 1000, 0.999, 6)).toBe(true);
    // 14.4 × 0.1 % = 1.44 % : 144 bad of 10 000 is exactly at the line, 145 is over.
    expect(burnRateExceeds(10_000 - 144, 10_000, 0.999, 14.4)).toBe(false);
    expect(burnRateExceeds(10_000 - 145, 10_000, 0.999, 14.4)).toBe(true);
  });
  it("stays exact with millions of events", () => {
    expect(burnRateExceeds(50_000_000 - 500_000, 50_000_000, 0.999, 10)).toBe(false); // exactly 10
    expect(burnRateExceeds(50_000_000 - 500_001, 50_000_000, 0.999, 10)).toBe(true);
  });
  it("reports no data, not zero, without traffic", () => {
    expect(sliRatio(0, 0)).toBeNull();
    expect(burnRate(0, 0, 0.999)).toBeNull();
    expect(burnRateExceeds(0, 0, 0.999, 1)).toBe(false);
  });
});

describe("error budget", () => {
  it("is whole with no traffic or no errors", () => {
    expect(budgetRemaining(0, 0, 0.999)).toBe(1);
    expect(budgetRemaining(5000, 5000, 0.999)).toBe(1);
  });
  it("is spent proportionally, exactly zero at the target, negative beyond", () => {
    // 10 000 events at 99.9 % allow 10 bad.
    expect(budgetRemaining(10_000 - 2, 10_000, 0.999)).toBe(0.8);
    expect(budgetRemaining(10_000 - 10, 10_000, 0.999)).toBe(0);
    expect(budgetRemaining(10_000 - 15, 10_000, 0.999)).toBe(-0.5);
    expect(budgetRemaining(0, 10, 0.99)).toBe(-99); // everything failed: 100 × the 1 % budget used
  });
});

describe("projected exhaustion", () => {
  const now = new Date("2026-11-23T12:00:00Z");
  it("divides what is left by the burn rate", () => {
    // half the budget left, burning at 2× in a 28-day window: 0.5 × 28 d / 2 = 7 days.
    expect(projectedExhaustion(0.5, 2, 28 * DAY, now)?.toISOString()).toBe("2026-11-30T12:00:00.000Z");
  });
  it("is now when spent, and never when nothing burns", () => {
    expect(projectedExhaustion(0, 3, 28 * DAY, now)).toEqual(now);
    expect(projectedExhaustion(-0.2, 0, 28 * DAY, now)).toEqual(now);
    expect(projectedExhaustion(0.9, 0, 28 * DAY, now)).toBeNull();
    expect(projectedExhaustion(0.9, null, 28 * DAY, now)).toBeNull();
  });
});

describe("alert factors", () => {
  it("reproduces the workbook factors for 30 days", () => {
    const w = 30 * DAY;
    expect([alertFactor(2, w, 3600), alertFactor(5, w, 6 * 3600), alertFactor(10, w, DAY), alertFactor(10, w, 3 * DAY)]).toEqual([14.4, 6, 3, 1]);
  });
  it("scales to 28 days by keeping each alert's budget spend", () => {
    const w = 28 * DAY;
    expect([alertFactor(2, w, 3600), alertFactor(5, w, 6 * 3600), alertFactor(10, w, DAY), alertFactor(10, w, 3 * DAY)]).toEqual([13.44, 5.6, 2.8, 0.9333]);
  });
});

describe("durations", () => {
  it("parses window strings", () => {
    expect(parseDuration("28d")).toBe(28 * DAY);
    expect(parseDuration("4w")).toBe(28 * DAY);
    expect(parseDuration("5m")).toBe(300);
    expect(() => parseDuration("1 month")).toThrow(/not like/);
  });
});
