// CI gate: the reviewed rule set must be valid (signals exist, runbooks exist, numbers sane).
import { describe, expect, it } from "vitest";
import { allRules, parseRulesYaml, parseDuration, ruleProblems, validateRules } from "./registry";

describe("alert rule set", () => {
  it("the repository's rules validate", () => {
    const rules = validateRules();
    const names = rules.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["FulfillmentTasksDeadLettered", "FulfillmentFailuresNotRetried", "FulfillmentWorkerLoopErrors"]));
    const notRetried = allRules().find((r) => r.name === "FulfillmentFailuresNotRetried")!;
    expect(notRetried.windowSeconds).toBe(300);
    expect(notRetried.forSeconds).toBe(60);
    expect(typeof notRetried.condition).toBe("function");
  });

  it("reports a missing runbook, an unknown signal, duplicates and bad numbers", () => {
    const rules = parseRulesYaml(`
rules:
  - { name: A, signal: nope_signal, op: ">", threshold: 0, window: 5m, severity: warning, summary: s, description: d, runbook: does-not-exist }
  - { name: A, signal: fulfillment_failed_increase, op: ">", threshold: 0, window: 5m, severity: warning, summary: s, description: d, runbook: fulfillment-dead-lettered }
`);
    rules[1].threshold = Number.NaN;
    const problems = ruleProblems(rules);
    expect(problems.join("\n")).toContain('unknown signal "nope_signal"');
    expect(problems.join("\n")).toContain("docs/runbooks/does-not-exist.md does not exist");
    expect(problems.join("\n")).toContain("defined more than once");
    expect(problems.join("\n")).toContain("threshold that is not a finite number");
    expect(() => validateRules(rules)).toThrow(/invalid/);
  });

  it("rejects malformed YAML fields at load", () => {
    expect(() => parseRulesYaml(`rules:\n  - { name: B, signal: x, op: "=~", threshold: 1, window: 5 minutes, severity: page, summary: s, description: d, runbook: x }\n`)).toThrow(
      /op|window|severity/,
    );
    expect(() => parseRulesYaml(`rules:\n  - { name: C, signal: x, op: ">", threshold: 1, window: 5m, severity: info, summary: s, description: d }\n`)).toThrow(/runbook/);
  });

  it("parses durations", () => {
    expect(parseDuration("30s")).toBe(30);
    expect(parseDuration("5m")).toBe(300);
    expect(parseDuration("4h")).toBe(14400);
    expect(parseDuration("1d")).toBe(86400);
    expect(parseDuration(90)).toBe(90);
    expect(() => parseDuration("soon")).toThrow(/duration/);
  });
});
