// Claims through the real queue and worker on the real database, against a platform stub on
// 127.0.0.1: classification, alerts and trust, retries, every missing_reason, and priorities.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { claim, enqueue } from "@/lib/fulfillment/queue";
import { createWorker, type FulfillmentWorker } from "@/lib/fulfillment/worker";
import { parkQueuedTasks, testPool, waitFor } from "@/lib/fulfillment/test-helpers";
import { createAffiliate } from "./affiliates";
import { createReconciliationHandlers } from "./handlers";
import { processReconcileTask, nextBackoffSeconds } from "./reconcile";
import { getSubmission, submitClaim } from "./submissions";
import { parseClassificationSettings } from "./settings";
import { RECONCILE_TASK_TYPE } from "./task-types";
import { forcePlatformOpen, resetPlatformBreaker } from "./breakers";
import { previewRereconcile, startRereconcile } from "./rereconcile";
import { getBulkOperation, runBulkOperation } from "@/lib/fulfillment/dead-letters/bulk";
import { startPlatformStub, type PlatformStub } from "./test-helpers";

const run = randomBytes(3).toString("hex");
let p: pg.Pool;
let stub: PlatformStub;
let worker: FulfillmentWorker;
let unpark: () => Promise<void>;
let affiliate: { id: string; apiKey: { id: string } };
const saved = { ...process.env };
// A high threshold keeps these tests' deliberate failures from opening stubgram's shared breaker;
// "the platform's shared breaker" tests opening it on purpose (stubdown).
const SETTINGS = JSON.stringify({ retry_schedule_seconds: [0.05, 0.05], fetch_timeout_ms: 300, breaker: { failure_threshold: 1000 } });
const period = { start: new Date("2026-11-01T00:00:00Z"), end: new Date("2026-11-30T00:00:00Z") };

async function finished(id: string) {
  return waitFor(`submission ${id} to finish`, async () => {
    const s = await getSubmission(p, id);
    return ["queued", "retrying"].includes(s.status) ? null : s;
  });
}

beforeAll(async () => {
  p = testPool();
  stub = await startPlatformStub();
  process.env.RECONCILIATION_PLATFORMS = "stubgram,stubdown";
  process.env.RECONCILIATION_PLATFORM_STUBGRAM_URL = stub.url;
  process.env.RECONCILIATION_PLATFORM_STUBDOWN_URL = stub.url;
  process.env.RECONCILIATION_SETTINGS = SETTINGS;
  unpark = await parkQueuedTasks(p);
  affiliate = await createAffiliate({ name: `aff-${run}`, actor: "test" });
  worker = createWorker({ pool: p, batchSize: 10, pollIntervalMs: 100, concurrency: 4, leaseMs: 10_000, maxAttempts: 5, handlers: createReconciliationHandlers(() => p) });
  await worker.start();
});

afterAll(async () => {
  await worker?.stop();
  await unpark?.();
  await stub?.close();
  await p?.end();
  process.env = saved;
});

const submit = (post: string, claimed: { views?: number; clicks?: number; sales?: number }, who: { affiliateId?: string; apiKeyId?: string } = { apiKeyId: affiliate.apiKey.id }, platform = "stubgram") =>
  submitClaim(p, who, { platform, post_id: post, period, claimed });

describe("reconciliation worker", () => {
  it("matches an honest claim in one attempt, with the fetched report and a trust move", async () => {
    stub.answers.set(`ok-${run}`, { figures: { views: 1000, clicks: 50 } });
    const { id } = await submit(`ok-${run}`, { views: 1020, clicks: 50 });
    const s = await finished(id);
    expect(s.status).toBe("matched");
    expect(s.attempts).toHaveLength(1);
    expect(s.attempts[0].outcome).toBe("fetched");
    expect(s.lastFetch).toMatchObject({ views: 1000, clicks: 50, sales: null });
    expect(s.trustDelta).toBe(1);
    expect(s.alert).toBeNull();
    expect(s.firstAttemptAt).not.toBeNull();
  });

  it("raises an overclaim alert with severity by margin and lowers trust", async () => {
    stub.answers.set(`over-${run}`, { figures: { views: 1000 } });
    const before = (await p.query(`SELECT trust_score FROM reconciliation_affiliates WHERE id = $1`, [affiliate.id])).rows[0].trust_score;
    const { id } = await submit(`over-${run}`, { views: 2500 });
    const s = await finished(id);
    expect(s.status).toBe("overclaim");
    expect(s.alert).toMatchObject({ type: "overclaim", severity: "high", margin: 1.5 });
    expect(s.trustDelta).toBe(-10);
    const after = await p.query(`SELECT trust_score, trust_bucket FROM reconciliation_affiliates WHERE id = $1`, [affiliate.id]);
    expect(after.rows[0].trust_score).toBe(before - 10);
    const history = await p.query(`SELECT previous_score, new_score, reason FROM reconciliation_trust_history WHERE submission_id = $1`, [id]);
    expect(history.rows).toEqual([{ previous_score: before, new_score: before - 10, reason: "overclaim" }]);
  });

  it.each([
    ["not_found", { status: 404 }],
    ["fetch_error", { status: 503 }],
    ["timeout", { hang: true }],
  ] as const)("retries on the schedule, then ends missing with missing_reason %s", async (reason, answer) => {
    const post = `${reason}-${run}`;
    stub.answers.set(post, answer);
    const { id } = await submit(post, { views: 10 });
    const s = await finished(id);
    expect(s.status).toBe("missing");
    expect(s.missingReason).toBe(reason);
    expect(s.attempts.map((a) => a.outcome)).toEqual([reason, reason, reason]);
    expect(s.attempts.map((a) => a.backoffSeconds)).toEqual([0.05, 0.05, null]);
    expect(s.trustDelta).toBe(0);
    expect(stub.calls.get(post)).toBe(3);
  });

  it("recovers when the figures appear on a later attempt", async () => {
    const post = `late-${run}`;
    stub.answers.set(post, { status: 404 });
    const { id } = await submit(post, { views: 10 });
    await waitFor("first attempt", async () => (await getSubmission(p, id)).attempts.length >= 1);
    stub.answers.set(post, { figures: { views: 10 } });
    const s = await finished(id);
    expect(s.status).toBe("matched");
    expect(s.attempts[0].outcome).toBe("not_found");
    expect(s.attempts.at(-1)?.outcome).toBe("fetched");
  });
});

describe("bulk re-reconciliation", () => {
  it("re-queues the filtered finished claims as a new round; the new result replaces the earlier trust change", async () => {
    const post = `rr-${run}`;
    stub.answers.set(post, { status: 404 });
    const { id } = await submit(post, { views: 100 });
    expect((await finished(id)).status).toBe("missing");
    stub.answers.set(post, { figures: { views: 300 } }); // the figures appear: the claim was an overclaim after all
    expect(await previewRereconcile(p, { q: post })).toMatchObject({ count: 1, sample: [{ id, status: "missing", missingReason: "not_found" }] });
    const op = await startRereconcile({ q: post }, { actor: "user:op@test.local", reason: "platform published late figures" }, { start: false });
    expect(op.total).toBe(1);
    expect(await runBulkOperation(op.id)).toBe("finished");
    expect(await getBulkOperation(op.id)).toMatchObject({ status: "succeeded", processed: 1, changed: 1 });
    const s = await finished(id);
    expect(s.status).toBe("discrepancy"); // 100 claimed vs 300 observed: an under-claim beyond the growth allowance
    expect(s.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(s.attempts.at(-1)?.outcome).toBe("fetched");
    expect(s.trustDelta).toBe(-2);
    const audit = await p.query(`SELECT count(*)::int AS n FROM audit_log WHERE target = $1`, [`bulk_operation:${op.id}`]);
    expect(audit.rows[0].n).toBe(2); // started and finished
    // Re-running it changes nothing: the claim is not re-queued twice, and its trust counts once.
    await expect(startRereconcile({ q: `no-such-post-${run}` }, { actor: "user:op@test.local", reason: "nothing" })).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("the platform's shared breaker", () => {
  it("opens after failure_threshold failures (later attempts are circuit_open, not fetched), then a half-open probe closes it", async () => {
    process.env.RECONCILIATION_SETTINGS = JSON.stringify({ retry_schedule_seconds: [0.05, 0.05], fetch_timeout_ms: 300, breaker: { failure_threshold: 2, open_cooldown_seconds: 1, half_open_probe_count: 1, failure_window_seconds: 30 } });
    try {
      const post = `down-${run}`;
      stub.answers.set(post, { status: 503 });
      const { id } = await submit(post, { views: 10 }, undefined, "stubdown");
      const s = await finished(id);
      expect(s.status).toBe("missing");
      expect(s.attempts.map((a) => a.outcome)).toEqual(["fetch_error", "fetch_error", "circuit_open"]);
      expect(s.missingReason).toBe("circuit_open");
      expect(stub.calls.get(post)).toBe(2);
      // The platform recovers: after the cooldown the half-open probe succeeds and the breaker closes.
      const healthy = `up-${run}`;
      stub.answers.set(healthy, { figures: { views: 10 } });
      await new Promise((r) => setTimeout(r, 1_100));
      const again = await submit(healthy, { views: 10 }, undefined, "stubdown");
      expect((await finished(again.id)).status).toBe("matched");
      const { rows } = await p.query(`SELECT state FROM circuit_breakers WHERE name = 'stubdown'`);
      expect(rows[0].state).toBe("closed");
    } finally {
      process.env.RECONCILIATION_SETTINGS = SETTINGS;
    }
  });

  it("force-opened by an operator, stops every fetch: attempts are circuit_open and the claim ends missing; reset lets them through", async () => {
    await forcePlatformOpen("stubgram", { actor: "user:test@opsdeck.local", reason: "platform incident drill" });
    try {
      const post = `forced-${run}`;
      stub.answers.set(post, { figures: { views: 10 } });
      const { id } = await submit(post, { views: 10 });
      const s = await finished(id);
      expect(s.status).toBe("missing");
      expect(s.missingReason).toBe("circuit_open");
      expect(s.attempts.map((a) => a.errorCode)).toEqual(["circuit_forced_open", "circuit_forced_open", "circuit_forced_open"]);
      expect(stub.calls.get(post)).toBeUndefined();
    } finally {
      await resetPlatformBreaker("stubgram", { actor: "user:test@opsdeck.local", reason: "drill over" });
    }
    const post = `after-reset-${run}`;
    stub.answers.set(post, { figures: { views: 10 } });
    const { id } = await submit(post, { views: 10 });
    expect((await finished(id)).status).toBe("matched");
  });
});

describe("priorities", () => {
  it("claims a high-trust affiliate's fresh task before an older backlog of a low-trust one", async () => {
    await worker.stop();
    const low = await createAffiliate({ name: `low-${run}`, actor: "test" });
    const high = await createAffiliate({ name: `high-${run}`, actor: "test" });
    await p.query(`UPDATE reconciliation_affiliates SET trust_score = CASE WHEN id = $1 THEN 10 ELSE 90 END, trust_bucket = CASE WHEN id = $1 THEN 'blocked' ELSE 'high' END WHERE id IN ($1, $2)`, [low.id, high.id]);
    const parked = await parkQueuedTasks(p);
    try {
      const backlog = [];
      for (let i = 0; i < 5; i++) backlog.push((await submit(`bl-${i}-${run}`, { views: 1 }, { affiliateId: low.id })).id);
      const urgent = await submit(`hi-${run}`, { views: 1 }, { affiliateId: high.id });
      expect(urgent.priority).toBe(0);
      const first = await claim(p, `test-${run}`, 1, 5_000);
      expect((first[0].payload as { submissionId: string }).submissionId).toBe(urgent.id);
      const next = await claim(p, `test-${run}`, 5, 5_000);
      expect(next.map((t) => (t.payload as { submissionId: string }).submissionId)).toEqual(backlog);
      // Other task types keep their default priority 0 and run in arrival order with the high-trust bucket.
      await enqueue(p, [{ taskType: RECONCILE_TASK_TYPE, payload: { submissionId: "1", attempt: 1 } }]);
      const { rows } = await p.query(`SELECT priority FROM fulfillment_tasks WHERE id = (SELECT max(id) FROM fulfillment_tasks)`);
      expect(rows[0].priority).toBe(0);
    } finally {
      await p.query(`UPDATE fulfillment_tasks SET status = 'succeeded', lease_owner = NULL WHERE lease_owner = $1 OR (status = 'pending' AND payload->>'submissionId' = '1')`, [`test-${run}`]);
      await parked();
    }
  });

  it("refuses a priority outside smallint", async () => {
    await expect(enqueue(p, [{ taskType: RECONCILE_TASK_TYPE, payload: { submissionId: "1", attempt: 1 }, priority: 40_000 }])).rejects.toThrow(/priority must be an integer/);
  });
});

describe("an open circuit", () => {
  it("schedules the next attempt no earlier than the breaker's next probe, and ends missing with circuit_open", async () => {
    const s = parseClassificationSettings(JSON.stringify({ retry_schedule_seconds: [1] }));
    const now = Date.now();
    expect(nextBackoffSeconds(1, s, { nextProbeAt: new Date(now + 7_000), forced: false }, now)).toBe(7);
    expect(nextBackoffSeconds(1, s, { nextProbeAt: new Date(now + 100), forced: false }, now)).toBe(1);
    expect(nextBackoffSeconds(2, s, null, now)).toBeNull();

    // A breaker that refuses every call, as lib/platform/breakers does while open.
    const open = Object.assign(new Error("stubgram circuit is open"), { name: "CircuitOpenError", breaker: "stubgram", nextProbeAt: new Date(Date.now() + 20), forced: false });
    const refusing = () => ({ execute: async () => Promise.reject(open) });
    const post = `open-${run}`;
    stub.answers.set(post, { figures: { views: 10 } });
    const { id } = await submit(post, { views: 10 });
    // The worker is stopped (priorities): run this claim's attempts here, through the refusing breaker.
    await p.query(`UPDATE fulfillment_tasks SET status = 'succeeded' WHERE task_type = $1 AND payload->>'submissionId' = $2 AND status <> 'running'`, [RECONCILE_TASK_TYPE, id]);
    await p.query(`UPDATE reconciliation_submissions SET status = 'queued' WHERE id = $1 AND attempts = 0`, [id]);
    const ran = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      ran.push(await processReconcileTask(p, { submissionId: id, attempt }, refusing));
      await p.query(`UPDATE fulfillment_tasks SET status = 'succeeded' WHERE task_type = $1 AND payload->>'submissionId' = $2 AND status = 'pending'`, [RECONCILE_TASK_TYPE, id]);
    }
    expect(ran.map((r) => r.outcome)).toEqual(["circuit_open", "circuit_open", "circuit_open"]);
    const sub = await getSubmission(p, id);
    expect(sub.status).toBe("missing");
    expect(sub.missingReason).toBe("circuit_open");
    expect(sub.attempts.map((a) => a.errorCode)).toEqual(["circuit_open", "circuit_open", "circuit_open"]);
    expect(stub.calls.get(post)).toBeUndefined();
    // A stale or duplicate task for a finished claim does nothing.
    expect((await processReconcileTask(p, { submissionId: id, attempt: 3 }, refusing)).outcome).toBe("stale");
  });
});

