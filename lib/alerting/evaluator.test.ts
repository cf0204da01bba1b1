// Evaluator state machine on a controllable clock, against the real database.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, pool } from "@/lib/platform/db";
import { signals, allRules } from "./registry";
import { AlertEvaluator, evaluateAll } from "./evaluator";
import type { AlertRule, Signal } from "./types";

// A test signal whose value the test sets; "throw" makes it fail.
let testValue: number | null | "throw" = 0;
const testSignal: Signal = {
  name: "test_controlled_value",
  domain: "test",
  description: "controlled by the test",
  evaluate: async () => {
    if (testValue === "throw") throw new Error("boom from signal");
    return testValue;
  },
};
signals.push(testSignal);

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  name: "TestRule",
  signal: "test_controlled_value",
  op: ">",
  threshold: 5,
  windowSeconds: 300,
  forSeconds: 60,
  keepFiringForSeconds: 0,
  severity: "warning",
  labels: { domain: "test" },
  summary: "value is {{ value }}",
  description: "test rule on {{ labels.domain }}",
  runbook: "fulfillment-dead-lettered",
  ...over,
});

const T0 = new Date("2031-03-01T10:00:00Z").getTime();
const at = (s: number) => new Date(T0 + s * 1000);

async function instancesOf(name: string) {
  return db().alertInstance.findMany({ where: { rule: name }, orderBy: { activeAt: "asc" }, include: { events: { orderBy: { id: "asc" } } } });
}

beforeEach(async () => {
  await pool().query("truncate alert_instances, alert_events, alert_samples, alert_counter_snapshots, alert_notification_groups, alert_deliveries, alert_evaluator_leader cascade");
  testValue = 0;
});

afterAll(async () => {
  await pool().query("delete from fulfillment_tasks where task_type = 'h3.alert.test'");
});

describe("evaluator transitions", () => {
  it("goes pending → firing after `for`, then resolves", async () => {
    const r = rule();
    testValue = 3;
    expect((await evaluateAll(at(0), [r])).changes).toEqual([]);
    testValue = 9;
    expect((await evaluateAll(at(15), [r])).changes).toMatchObject([{ from: null, to: "pending", value: 9 }]);
    expect((await evaluateAll(at(60), [r])).changes).toEqual([]); // 45 s < for
    expect((await evaluateAll(at(75), [r])).changes).toMatchObject([{ from: "pending", to: "firing" }]);
    testValue = 1;
    expect((await evaluateAll(at(90), [r])).changes).toMatchObject([{ from: "firing", to: "resolved" }]);
    const [inst] = await instancesOf("TestRule");
    expect(inst.state).toBe("resolved");
    expect(inst.firedAt?.toISOString()).toBe(at(75).toISOString());
    expect(inst.resolvedAt?.toISOString()).toBe(at(90).toISOString());
    expect(inst.summary).toBe("value is 9"); // texts describe the last firing evaluation
    expect(inst.value).toBe(1);
    expect(inst.events.map((e) => e.toState)).toEqual(["pending", "firing", "resolved"]);
    const samples = await db().alertSample.count({ where: { rule: "TestRule" } });
    expect(samples).toBe(5);
  });

  it("a pending episode that clears before `for` becomes inactive and never fires", async () => {
    const r = rule();
    testValue = 9;
    await evaluateAll(at(0), [r]);
    testValue = 0;
    expect((await evaluateAll(at(30), [r])).changes).toMatchObject([{ from: "pending", to: "inactive" }]);
    testValue = 9;
    expect((await evaluateAll(at(45), [r])).changes).toMatchObject([{ from: null, to: "pending" }]);
    expect(await instancesOf("TestRule")).toHaveLength(2);
  });

  it("keep_firing_for holds the alert firing after the condition clears", async () => {
    const r = rule({ forSeconds: 0, keepFiringForSeconds: 120 });
    testValue = 9;
    expect((await evaluateAll(at(0), [r])).changes).toMatchObject([{ to: "firing" }]);
    testValue = 0;
    expect((await evaluateAll(at(60), [r])).changes).toEqual([]);
    expect((await instancesOf("TestRule"))[0].state).toBe("firing");
    expect((await evaluateAll(at(119), [r])).changes).toEqual([]);
    expect((await evaluateAll(at(121), [r])).changes).toMatchObject([{ from: "firing", to: "resolved" }]);
  });

  it("no data and errors are their own states, and recover", async () => {
    const r = rule({ forSeconds: 0 });
    testValue = null;
    expect((await evaluateAll(at(0), [r])).changes).toMatchObject([{ from: null, to: "nodata" }]);
    testValue = "throw";
    expect((await evaluateAll(at(15), [r])).changes).toMatchObject([{ from: "nodata", to: "error" }]);
    let [inst] = await instancesOf("TestRule");
    expect(inst.lastError).toContain("boom from signal");
    testValue = 9;
    expect((await evaluateAll(at(30), [r])).changes).toMatchObject([{ from: "error", to: "firing" }]);
    testValue = 0;
    expect((await evaluateAll(at(45), [r])).changes).toMatchObject([{ from: "firing", to: "resolved" }]);
    [inst] = await instancesOf("TestRule");
    expect(inst.events.map((e) => e.toState)).toEqual(["nodata", "error", "firing", "resolved"]);
    expect(inst.lastError).toBeNull();
  });

  it("the seed rule fires when tasks are dead-lettered, and resolves after the 5-minute window", async () => {
    const deadLettered = allRules().find((x) => x.name === "FulfillmentTasksDeadLettered")!;
    await pool().query(
      `insert into fulfillment_tasks (task_type, payload, status, attempts, dead_lettered_at, finished_at, updated_at)
       values ('h3.alert.test', '{}', 'dead_lettered', 5, $1, $1, $1), ('h3.alert.test', '{}', 'dead_lettered', 5, $1, $1, $1)`,
      [at(10)],
    );
    expect((await evaluateAll(at(0), [deadLettered])).changes).toEqual([]);
    expect((await evaluateAll(at(15), [deadLettered])).changes).toMatchObject([{ to: "firing", value: 2 }]);
    const [inst] = await instancesOf("FulfillmentTasksDeadLettered");
    expect(inst.summary).toBe("2 fulfillment task(s) dead-lettered in the last 5 minutes");
    expect(inst.labels).toMatchObject({ alertname: "FulfillmentTasksDeadLettered", severity: "warning", domain: "fulfillment" });
    expect((await evaluateAll(at(305), [deadLettered])).changes).toEqual([]);
    expect((await evaluateAll(at(311), [deadLettered])).changes).toMatchObject([{ from: "firing", to: "resolved", value: 0 }]);
  });

  it("failed-without-retries fires only while no retry is scheduled", async () => {
    const notRetried = allRules().find((x) => x.name === "FulfillmentFailuresNotRetried")!;
    const { rows } = await pool().query<{ id: string }>(`insert into fulfillment_tasks (task_type, payload, status) values ('h3.alert.test', '{}', 'running') returning id`);
    const insertAttempt = (s: number, outcome: string, backoff: number | null) =>
      pool().query(
        `insert into fulfillment_attempts (task_id, attempt, task_type, worker_id, started_at, finished_at, outcome, backoff_ms) values ($1, 1, 'h3.alert.test', 'w', $2, $2, $3, $4)`,
        [rows[0].id, at(s), outcome, backoff],
      );
    await insertAttempt(1000, "failed", 2000); // failed but rescheduled: healthy
    expect((await evaluateAll(at(1010), [notRetried])).changes).toEqual([]);
    await insertAttempt(1400, "dead_lettered", null); // the rescheduled one has left the window
    expect((await evaluateAll(at(1400), [notRetried])).changes).toMatchObject([{ to: "pending", value: 1 }]);
    expect((await evaluateAll(at(1460), [notRetried])).changes).toMatchObject([{ from: "pending", to: "firing" }]);
  });

  it("loop errors: increase of the cumulative counter via snapshots", async () => {
    const loop = allRules().find((x) => x.name === "FulfillmentWorkerLoopErrors")!;
    await pool().query(`delete from fulfillment_workers where id like 'h3-test-%'`);
    await pool().query(`insert into fulfillment_workers (id, hostname, pid, settings, loop_errors) values ('h3-test-w1', 'h', 1, '{}', 4)`);
    try {
      // Other tests' workers may exist; the first evaluation only records the baseline.
      expect((await evaluateAll(at(2000), [loop])).changes).toEqual([]);
      expect((await evaluateAll(at(2015), [loop])).changes).toEqual([]);
      await pool().query(`update fulfillment_workers set loop_errors = loop_errors + 2 where id = 'h3-test-w1'`);
      expect((await evaluateAll(at(2030), [loop])).changes).toMatchObject([{ to: "firing", value: 2 }]);
      expect((await evaluateAll(at(2331), [loop])).changes).toMatchObject([{ from: "firing", to: "resolved", value: 0 }]);
    } finally {
      await pool().query(`delete from fulfillment_workers where id like 'h3-test-%'`);
    }
  });
});

describe("leader election", () => {
  it("exactly one evaluator leads; when it stops or dies another takes over", async () => {
    const clock = () => at(5000);
    const a = new AlertEvaluator({ id: "eval-a", clock, notify: false });
    const b = new AlertEvaluator({ id: "eval-b", clock, notify: false });
    const c = new AlertEvaluator({ id: "eval-c", clock, notify: false });
    try {
      expect(await a.tick()).not.toBeNull();
      expect(await b.tick()).toBeNull();
      expect(await c.tick()).toBeNull();
      expect(a.isLeader && !b.isLeader && !c.isLeader).toBe(true);
      expect((await db().alertEvaluatorLeader.findUnique({ where: { id: 1 } }))?.holder).toBe("eval-a");

      // Graceful stop releases the lock.
      await a.stop();
      expect(await b.tick()).not.toBeNull();
      expect(await c.tick()).toBeNull();
      expect((await db().alertEvaluatorLeader.findUnique({ where: { id: 1 } }))?.holder).toBe("eval-b");

      // Crash: the leader's connection is killed; PostgreSQL frees the lock for the next contender.
      await pool().query(`select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and objid = $1::bigint % 4294967296 and granted`, [7_420_031_337]);
      await new Promise((r) => setTimeout(r, 200));
      expect(await c.tick()).not.toBeNull();
      expect(c.isLeader).toBe(true);
      expect(await b.tick()).toBeNull(); // b noticed it lost the connection and does not lead
      expect(b.isLeader).toBe(false);
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });
});
