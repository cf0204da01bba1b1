// SLO figures and burn-rate rules over real rows in PostgreSQL, on a controllable clock: each case
// uses its own far-future "now" so rows of other cases (and other test files) fall outside its windows.
import { afterAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/platform/db";
import { findSlo, parseSlo } from "./definitions";
import { computeHistory, computeStatus } from "./status";
import { burnRuleDetails } from "./rules";

const MIN = 60_000;

/**
 * n final attempts of one outcome finishing at `at`, as the queue leaves them: a dead letter keeps
 * its task row; a succeeded task is only its success attempt, which records when it was enqueued.
 */
async function attempts(n: number, outcome: "succeeded" | "dead_lettered", at: Date) {
  await pool().query(
    `with t as (
       select nextval(pg_get_serial_sequence('fulfillment_tasks', 'id')) as id from generate_series(1, $3)
     ), dead as (
       insert into fulfillment_tasks (id, task_type, payload, status, created_at, updated_at, finished_at, dead_lettered_at)
       select id, 'slo-test', '{}'::jsonb, 'dead_lettered', $1::timestamptz - interval '10 seconds', $1, $1, $1 from t where $2::text = 'dead_lettered'
     )
     insert into fulfillment_attempts (task_id, attempt, task_type, worker_id, started_at, finished_at, outcome, task_created_at)
     select id, 1, 'slo-test', 'slo-test-worker', $1::timestamptz - interval '1 second', $1, $2::text::attempt_outcome,
            case when $2::text = 'succeeded' then $1::timestamptz - interval '10 seconds' end from t`,
    [at, outcome, n],
  );
}

function ago(now: Date, ms: number) {
  return new Date(now.getTime() - ms);
}

afterAll(async () => {
  await pool().query(`delete from fulfillment_tasks where task_type in ('slo-test', 'slo-latency-test')`);
  await pool().query(`delete from fulfillment_attempts where task_type in ('slo-test', 'slo-latency-test')`);
});

const success = () => findSlo("fulfillment-task-success")!;

function firingRules(results: { name: string; firing: boolean }[]) {
  return results.filter((r) => r.firing).map((r) => r.name);
}

async function evaluate(now: Date) {
  const rules = burnRuleDetails().filter((d) => d.slo.name === "fulfillment-task-success");
  return Promise.all(rules.map(async (d) => ({ name: d.rule.name, ...(await d.rule.condition!({ now, pool: pool() })) })));
}

describe("SLO definitions", () => {
  it("loads the repository's SLOs with 28-day windows and scaled factors", () => {
    const s = success();
    expect(s.target).toBe(0.99);
    expect(s.windowSeconds).toBe(28 * 86_400);
    expect(s.minEvents).toBe(20);
    const factors = burnRuleDetails()
      .filter((d) => d.slo.name === s.name)
      .map((d) => [d.rule.name, d.factor, d.rule.severity, d.rule.labels.slo]);
    expect(factors).toEqual([
      ["FulfillmentTaskSuccessBudgetBurnPage1h", 13.44, "critical", "fulfillment-task-success"],
      ["FulfillmentTaskSuccessBudgetBurnPage6h", 5.6, "critical", "fulfillment-task-success"],
      ["FulfillmentTaskSuccessBudgetBurnTicket1d", 2.8, "warning", "fulfillment-task-success"],
      ["FulfillmentTaskSuccessBudgetBurnTicket3d", 0.9333, "warning", "fulfillment-task-success"],
    ]);
  });
  it("rejects unknown queries and bad windows with the file name", () => {
    const yaml = (query: string, window: string) => `
apiVersion: openslo/v1
kind: SLO
metadata: { name: x-y, displayName: X }
spec:
  description: d
  service: s
  budgetingMethod: Occurrences
  timeWindow: [{ duration: ${window}, isRolling: true }]
  indicator:
    metadata: { name: i }
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: opsdeck-sql, spec: { query: ${query} } } }
        total: { metricSource: { type: opsdeck-sql, spec: { query: fulfillment_attempts_terminal } } }
  objectives: [{ displayName: o, target: 0.999 }]
`;
    expect(() => parseSlo(yaml("nope", "28d"), "slo/x.yaml")).toThrow(/slo\/x.yaml good: unknown query "nope"/);
    expect(() => parseSlo(yaml("fulfillment_attempts_succeeded", "7d"), "slo/x.yaml")).toThrow(/timeWindow/);
    expect(parseSlo(yaml("fulfillment_attempts_succeeded", "30d"), "slo/x.yaml").windowSeconds).toBe(30 * 86_400);
  });
});

describe("task success SLO on real rows", () => {
  it("a fast burn with enough traffic fires pages and tickets; budget shows overspent", async () => {
    const now = new Date("2031-01-15T12:00:00Z");
    await attempts(80, "succeeded", ago(now, 4 * MIN));
    await attempts(20, "dead_lettered", ago(now, 3 * MIN));
    const status = await computeStatus(pool(), success(), now);
    expect(status.total).toBe(100);
    expect(status.sli).toBe(0.8);
    // 20 bad where 1 % of 100 = 1 was allowed: 20× the budget spent → −19.
    expect(status.errorBudgetRemaining).toBe(-19);
    expect(status.burnRates.find((b) => b.window === "5m")!.burnRate).toBe(20);
    expect(status.health).toBe("exhausted");
    expect(status.projectedExhaustion).toBe(now.toISOString());
    expect(firingRules(await evaluate(now))).toEqual([
      "FulfillmentTaskSuccessBudgetBurnPage1h",
      "FulfillmentTaskSuccessBudgetBurnPage6h",
      "FulfillmentTaskSuccessBudgetBurnTicket1d",
      "FulfillmentTaskSuccessBudgetBurnTicket3d",
    ]);
  });

  it("the minimum-traffic guard keeps a tiny sample quiet", async () => {
    const now = new Date("2032-01-15T12:00:00Z");
    await attempts(8, "succeeded", ago(now, 2 * MIN));
    await attempts(2, "dead_lettered", ago(now, 2 * MIN));
    const results = await evaluate(now);
    expect(results.find((r) => r.name.endsWith("Page1h"))!.value).toBe(20); // burning at 20×…
    expect(firingRules(results)).toEqual([]); // …but 10 events < 20
  });

  it("an old burn that stopped only keeps the slow ticket (short windows reset)", async () => {
    const now = new Date("2033-01-15T12:00:00Z");
    await attempts(90, "succeeded", ago(now, 180 * MIN));
    await attempts(10, "dead_lettered", ago(now, 180 * MIN));
    const status = await computeStatus(pool(), success(), now);
    expect(status.burnRates.map((b) => [b.window, b.total, b.burnRate])).toEqual([
      ["5m", 0, null],
      ["30m", 0, null],
      ["1h", 0, null],
      ["2h", 0, null],
      ["6h", 100, 10],
      ["1d", 100, 10],
      ["3d", 100, 10],
    ]);
    expect(firingRules(await evaluate(now))).toEqual(["FulfillmentTaskSuccessBudgetBurnTicket3d"]);
  });

  it("no traffic: no data, whole budget, nothing fires", async () => {
    const now = new Date("2034-06-01T00:00:00Z");
    const status = await computeStatus(pool(), success(), now);
    expect(status.sli).toBeNull();
    expect(status.errorBudgetRemaining).toBe(1);
    expect(status.health).toBe("no_data");
    expect(firingRules(await evaluate(now))).toEqual([]);
  });

  it("healthy traffic spends budget proportionally and draws a daily history", async () => {
    const now = new Date("2035-03-10T12:00:00Z");
    await attempts(995, "succeeded", ago(now, 2 * 86_400_000));
    await attempts(5, "dead_lettered", ago(now, 2 * 86_400_000));
    const status = await computeStatus(pool(), success(), now);
    expect(status.sli).toBe(0.995);
    expect(status.errorBudgetRemaining).toBe(0.5); // 5 of 10 allowed failures used
    expect(status.health).toBe("healthy");
    expect(status.headline).toBe("Healthy — 50% of the 28d error budget left.");
    const history = await computeHistory(pool(), success(), now);
    expect(history).toHaveLength(28);
    const day = history.find((p) => p.day === "2035-03-08T00:00:00.000Z")!;
    expect([day.good, day.total, day.sli, day.budgetRemaining]).toEqual([995, 1000, 0.995, 0.5]);
    expect(history[history.length - 1].day).toBe("2035-03-10T00:00:00.000Z");
  });
});

describe("incremental minute buckets", () => {
  it("pick up new events on the next tick without losing older ones", async () => {
    const t1 = new Date("2037-01-01T12:00:00Z");
    await attempts(30, "succeeded", ago(t1, 180 * MIN));
    const first = await computeStatus(pool(), success(), t1);
    expect(first.burnRates.find((b) => b.window === "6h")!.total).toBe(30);
    // Ten dead letters just after t1; the next evaluation a minute later must see them everywhere.
    await attempts(10, "dead_lettered", new Date(t1.getTime() + 10_000));
    const t2 = new Date(t1.getTime() + MIN);
    const second = await computeStatus(pool(), success(), t2);
    const rows = Object.fromEntries(second.burnRates.map((b) => [b.window, [b.good, b.total]]));
    expect(rows["5m"]).toEqual([0, 10]);
    expect(rows["6h"]).toEqual([30, 40]);
    expect(rows["3d"]).toEqual([30, 40]);
    expect([second.good, second.total]).toEqual([30, 40]);
    const history = await computeHistory(pool(), success(), t2);
    expect(history.at(-1)).toMatchObject({ day: "2037-01-01T00:00:00.000Z", good: 30, total: 40 });
  });
});

describe("enqueue-to-done latency SLO", () => {
  it("counts succeeded tasks done within 60 s as good", async () => {
    const now = new Date("2036-01-15T12:00:00Z");
    const finished = ago(now, 10 * MIN);
    for (const seconds of [5, 59, 60, 61, 600]) {
      await pool().query(
        `insert into fulfillment_attempts (task_id, attempt, task_type, worker_id, started_at, finished_at, outcome, task_created_at)
         values (nextval(pg_get_serial_sequence('fulfillment_tasks', 'id')), 1, 'slo-latency-test', 'slo-test-worker', $1, $1, 'succeeded',
                 $1::timestamptz - make_interval(secs => $2))`,
        [finished, seconds],
      );
    }
    // A dead-lettered task is not a latency event.
    await pool().query(
      `insert into fulfillment_tasks (task_type, payload, status, created_at, updated_at, finished_at, dead_lettered_at)
       values ('slo-latency-test', '{}', 'dead_lettered', $1, $1, $1, $1)`,
      [finished],
    );
    const status = await computeStatus(pool(), findSlo("fulfillment-enqueue-to-done")!, now);
    expect([status.good, status.total, status.sli]).toEqual([3, 5, 0.6]);
  });
});
