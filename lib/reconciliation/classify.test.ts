// The seed's troubleshooting step "run classifier unit tests with boundary values": every edge of
// the configured tolerances, thresholds, severities and buckets, as a table.
import { describe, expect, it } from "vitest";
import { bucketFor, classify, classifyMetric, moveTrust, severityFor } from "./classify";
import { parseClassificationSettings } from "./settings";

const s = parseClassificationSettings(JSON.stringify({ base_tolerance: 0.05, growth_allowance: 0.1, overclaim_threshold: 0.2 }));

describe("classifyMetric boundaries (tolerance 5 %, growth 10 %, overclaim above 20 %)", () => {
  it.each([
    [100, 100, "matched"],
    [105, 100, "matched"], // exactly +base_tolerance: inclusive
    [106, 100, "discrepancy"],
    [120, 100, "discrepancy"], // exactly the overclaim threshold: not yet an overclaim
    [121, 100, "overclaim"],
    [85, 100, "matched"], // exactly −(tolerance + growth): inclusive
    [84, 100, "discrepancy"],
    [0, 100, "discrepancy"],
    [0, 0, "matched"],
    [1, 0, "overclaim"], // platform reports nothing: any claim is an overclaim
    [1_000_000_000_000, 1, "overclaim"],
  ] as const)("claimed %d vs observed %d → %s", (claimed, observed, expected) => {
    expect(classifyMetric(claimed, observed, s).class).toBe(expected);
  });
});

describe("classify a claim", () => {
  it("takes the worst metric and reports the overclaim margin", () => {
    const r = classify({ views: 1000, clicks: 300 }, { views: 1000, clicks: 100 }, s);
    expect(r.class).toBe("overclaim");
    expect(r.margin).toBe(2);
    expect(r.metrics.map((m) => m.class)).toEqual(["matched", "overclaim"]);
  });
  it("treats a claimed metric the platform did not report as a discrepancy", () => {
    expect(classify({ views: 10, sales: 1 }, { views: 10, sales: null }, s).class).toBe("discrepancy");
  });
  it("ignores metrics the affiliate did not claim", () => {
    expect(classify({ views: 100 }, { views: 100, clicks: 5, sales: 1 }, s).class).toBe("matched");
  });
});

describe("severity by margin (medium 0.5, high 1, critical 3; inclusive)", () => {
  it.each([
    [0.21, "low"],
    [0.4999, "low"],
    [0.5, "medium"],
    [0.99, "medium"],
    [1, "high"],
    [3, "critical"],
    [Number.POSITIVE_INFINITY, "critical"],
  ] as const)("margin %d → %s", (margin, expected) => expect(severityFor(margin, s)).toBe(expected));
});

describe("trust", () => {
  it.each([
    [80, "high"],
    [79, "medium"],
    [50, "medium"],
    [49, "low"],
    [20, "low"],
    [19, "blocked"],
    [0, "blocked"],
  ] as const)("score %d → %s", (score, bucket) => expect(bucketFor(score, s)).toBe(bucket));

  it("moves by the configured deltas, clamped to 0–100", () => {
    expect(moveTrust(60, "overclaim", s)).toEqual({ score: 50, delta: -10 });
    expect(moveTrust(5, "overclaim", s)).toEqual({ score: 0, delta: -5 });
    expect(moveTrust(100, "matched", s)).toEqual({ score: 100, delta: 0 });
    expect(moveTrust(60, "missing", s)).toEqual({ score: 60, delta: 0 });
  });
});

describe("RECONCILIATION_SETTINGS validation", () => {
  it("names the field and problem", () => {
    expect(() => parseClassificationSettings('{"base_tolerance": 0.5, "overclaim_threshold": 0.2}')).toThrow(/base_tolerance must not exceed overclaim_threshold/);
    expect(() => parseClassificationSettings('{"trust": {"buckets": {"high": 10, "medium": 50, "low": 20}}}')).toThrow(/trust\.buckets.*descend/);
    expect(() => parseClassificationSettings('{"base_tolerence": 0.1}')).toThrow(/base_tolerence/);
    expect(() => parseClassificationSettings("{not json")).toThrow(/not JSON/);
  });
  it("fills defaults for keys left out", () => {
    const d = parseClassificationSettings('{"overclaim_threshold": 0.3}');
    expect(d.overclaim_threshold).toBe(0.3);
    expect(d.trust.deltas.overclaim).toBe(-10);
    expect(d.breaker.failure_threshold).toBe(5);
  });
});
