import { afterAll, beforeAll, describe, expect, it } from "vitest";
import net from "node:net";
import type pg from "pg";
import { backoffMs, errorFingerprint, NonRetryableError, normaliseMessage } from "./errors";
import { sessionPool } from "@/lib/platform/session-pool";
import { CLAIM_SESSION_SETTINGS, claim, complete, completeAndClaim, enqueue } from "./queue";
import { taskDetail } from "./dead-letters/queries";
import { createWorker, type FulfillmentWorker, type HandlerRegistry } from "./worker";
import { parkQueuedTasks, statuses, testPool, waitFor } from "./test-helpers";

let p: pg.Pool;
let unpark: () => Promise<void>;
const started: FulfillmentWorker[] = [];
const base = { batchSize: 50, pollIntervalMs: 2_000, concurrency: 8, leaseMs: 3_000, maxAttempts: 5, backoffBaseMs: 20, backoffCapMs: 200 };

function worker(over: Partial<Parameters<typeof createWorker>[0]> & { handlers: HandlerRegistry }) {
  const w = createWorker({ pool: p, ...base, ...over });
  started.push(w);
  return w;
}

beforeAll(async () => {
  p = testPool();
  unpark = await parkQueuedTasks(p);
});
afterAll(async () => {
  await Promise.all(started.map((w) => w.stop()));
  await unpark();
  await p.end();
});

describe("backoff and fingerprints", () => {
  it("doubles the ceiling per attempt up to the cap, with full jitter below it", () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => backoffMs(a, 1000, 30_000, top))).toEqual([999, 1999, 3999, 7999, 15999, 29999, 29999]);
    expect(backoffMs(3, 1000, 30_000, () => 0)).toBe(0);
    expect(backoffMs(3, 1000, 30_000, () => 0.5)).toBe(2000);
    // Jitter really spreads: 200 draws for attempt 4 fall in [0, 8000) and are not all alike.
    const draws = Array.from({ length: 200 }, () => backoffMs(4, 1000, 30_000));
    expect(Math.max(...draws)).toBeLessThan(8000);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(new Set(draws).size).toBeGreaterThan(50);
  });

  it("groups errors that differ only in ids and numbers", () => {
    expect(normaliseMessage("Order 123 for 9f1c2a3b-1111-4222-8333-123456789abc failed at 0xdeadbeef")).toBe("Order <n> for <uuid> failed at <hex>");
    const make = (m: string) => {
      const e = new Error(m);
      e.stack = `Error: ${m}\n    at reserve (/app/lib/fulfillment/provider.ts:${m.length}:7)`;
      return e;
    };
    expect(errorFingerprint(make("SKU 12 missing"))).toBe(errorFingerprint(make("SKU 98765 missing")));
    expect(errorFingerprint(make("SKU 12 missing"))).not.toBe(errorFingerprint(make("warehouse closed")));
    expect(errorFingerprint(new TypeError("SKU 12 missing"))).not.toBe(errorFingerprint(make("SKU 12 missing")));
  });
});

describe("fulfillment worker on PostgreSQL", () => {
  it("4 concurrent workers over 3,000 tasks: none lost, none completed twice", async () => {
    const seen = new Map<string, number>();
    const handlers: HandlerRegistry = {
      noop: async (t) => {
        seen.set(String(t.id), (seen.get(String(t.id)) ?? 0) + 1);
      },
    };
    const ws = Array.from({ length: 4 }, (_, i) => worker({ workerId: `t-conc-${i}-${Date.now()}`, handlers, batchSize: 100 }));
    await Promise.all(ws.map((w) => w.start()));
    const ids: bigint[] = [];
    for (let i = 0; i < 6; i++) ids.push(...(await enqueue(p, Array.from({ length: 500 }, (_, j) => ({ taskType: "noop", payload: { i, j } })))));
    expect(new Set(ids.map(String)).size).toBe(3000);
    await waitFor("all 3,000 tasks to succeed", async () => (await statuses(p, ids)).succeeded === 3000, 30_000);
    await Promise.all(ws.map((w) => w.stop()));

    const mine = ids.map(String);
    expect(mine.every((id) => seen.get(id) === 1)).toBe(true);
    const { rows } = await p.query<{ n: string; bad: string; workers: string }>(
      `SELECT count(*)::text AS n, count(*) FILTER (WHERE outcome <> 'succeeded' OR attempt <> 1)::text AS bad, count(DISTINCT worker_id)::text AS workers
         FROM fulfillment_attempts WHERE task_id = ANY($1::bigint[])`,
      [mine],
    );
    expect(rows[0]).toEqual({ n: "3000", bad: "0", workers: "4" });
    expect(ws.reduce((s, w) => s + w.status().succeeded, 0)).toBe(3000);
    const wrows = await p.query(`SELECT state FROM fulfillment_workers WHERE id = ANY($1)`, [ws.map((w) => w.id)]);
    expect(wrows.rows.map((r) => r.state)).toEqual(["stopped", "stopped", "stopped", "stopped"]);
  });

  it("claims the next full batch while one runs, and on stop runs the batch it claimed ahead", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ran: string[] = [];
    const w = worker({
      workerId: `t-ahead-${Date.now()}`,
      batchSize: 2,
      concurrency: 2,
      handlers: {
        noop: async (t) => {
          ran.push(String(t.id));
          await gate; // the first batch stays busy while the worker claims ahead
        },
      },
    });
    const ids = await enqueue(p, Array.from({ length: 6 }, (_, i) => ({ taskType: "noop", payload: { i } })));
    await w.start();
    try {
      // First batch running (2) + second batch claimed ahead (2), the rest still pending.
      await waitFor("a batch running and one claimed ahead", async () => (await statuses(p, ids)).running === 4);
      expect(ran).toHaveLength(2);
    } finally {
      const stopped = w.stop();
      release(); // also on failure, so the worker can stop
      await stopped;
    }
    const after = await statuses(p, ids);
    expect(after).toEqual({ succeeded: 4, pending: 2 }); // nothing left running with a lease to wait out
    expect(ran).toHaveLength(4);
  });

  it("retries with backoff, then dead-letters at max attempts; NonRetryableError dead-letters at once", async () => {
    const handlers: HandlerRegistry = {
      reserve_inventory: async () => {
        throw new Error(`warehouse 7 timed out`);
      },
      capture_payment: async () => {
        throw new NonRetryableError("card declined");
      },
    };
    // Poll interval one minute: retries must run when their backoff is due, not at the next poll.
    const w = worker({ workerId: `t-retry-${Date.now()}`, handlers, maxAttempts: 4, backoffBaseMs: 100, backoffCapMs: 250, pollIntervalMs: 60_000 });
    await w.start();
    const [flaky] = await enqueue(p, [{ taskType: "reserve_inventory", payload: { sku: "S1", quantity: 1, warehouse: "w" }, maxAttempts: 3 }]);
    const [declined] = await enqueue(p, [{ taskType: "capture_payment", payload: { orderReference: "R1", amountCents: 5, currency: "EUR" } }]);
    await waitFor("both to dead-letter", async () => (await statuses(p, [flaky, declined])).dead_lettered === 2, 5_000);
    await w.stop();

    const attempts = await p.query(`SELECT task_id::text, attempt, outcome, backoff_ms, error_class, error_message FROM fulfillment_attempts WHERE task_id = ANY($1::bigint[]) ORDER BY task_id, attempt`, [
      [String(flaky), String(declined)],
    ]);
    const flakyRows = attempts.rows.filter((r) => r.task_id === String(flaky));
    // The task's own max_attempts (3) is lower than the worker's (4): it wins.
    expect(flakyRows.map((r) => r.outcome)).toEqual(["failed", "failed", "dead_lettered"]);
    expect(flakyRows[0].backoff_ms).toBeGreaterThanOrEqual(0);
    expect(flakyRows[0].backoff_ms).toBeLessThan(100); // attempt 1: [0, base)
    expect(flakyRows[1].backoff_ms).toBeLessThan(200); // attempt 2: [0, 2·base)
    expect(flakyRows[2].backoff_ms).toBeNull();
    const declinedRows = attempts.rows.filter((r) => r.task_id === String(declined));
    expect(declinedRows).toMatchObject([{ attempt: 1, outcome: "dead_lettered", error_class: "NonRetryableError", error_message: "card declined" }]);

    const tasks = await p.query(`SELECT id::text, attempts, last_error, error_fingerprint, dead_lettered_at IS NOT NULL AS dl FROM fulfillment_tasks WHERE id = ANY($1::bigint[]) ORDER BY id`, [
      [String(flaky), String(declined)],
    ]);
    expect(tasks.rows).toMatchObject([
      { attempts: 3, last_error: "warehouse 7 timed out", dl: true },
      { attempts: 1, last_error: "card declined", dl: true },
    ]);
    expect(tasks.rows[0].error_fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it("fails a hung handler's attempt after the task timeout instead of holding its lease forever", async () => {
    const w = worker({ workerId: `t-hung-${Date.now()}`, handlers: { noop: () => new Promise<void>(() => {}) }, taskTimeoutMs: 200, backoffBaseMs: 60_000 });
    await w.start();
    const [id] = await enqueue(p, [{ taskType: "noop", payload: { hung: true } }]);
    const row = await waitFor("the attempt to time out", async () => {
      const { rows } = await p.query(`SELECT status::text, last_error_class, lease_owner FROM fulfillment_tasks WHERE id = $1 AND status = 'retry_scheduled'`, [String(id)]);
      return rows[0];
    }, 5_000);
    await w.stop();
    expect(row).toEqual({ status: "retry_scheduled", last_error_class: "TaskTimeoutError", lease_owner: null });
    await p.query(`UPDATE fulfillment_tasks SET status = 'discarded' WHERE id = $1`, [String(id)]);
  });

  it("schedules each retry run_at = failure time + recorded backoff", async () => {
    const w = worker({
      workerId: `t-sched-${Date.now()}`,
      handlers: { notify_customer: async () => { throw new Error("smtp 421"); } },
      backoffBaseMs: 60_000,
      backoffCapMs: 60_000,
      random: () => 0.5,
    });
    await w.start();
    const [id] = await enqueue(p, [{ taskType: "notify_customer", payload: { orderReference: "R", channel: "email", template: "t" } }]);
    const row = await waitFor("the retry to be scheduled", async () => {
      const { rows } = await p.query(
        `SELECT t.status::text, extract(epoch FROM t.run_at - a.finished_at) * 1000 AS delay_ms, a.backoff_ms
           FROM fulfillment_tasks t JOIN fulfillment_attempts a ON a.task_id = t.id AND a.attempt = 1 WHERE t.id = $1 AND t.status = 'retry_scheduled'`,
        [String(id)],
      );
      return rows[0];
    });
    await w.stop();
    expect(row.backoff_ms).toBe(30_000); // 0.5 · min(cap, base · 2^0)
    expect(Math.abs(Number(row.delay_ms) - 30_000)).toBeLessThan(1_000);
    await p.query(`UPDATE fulfillment_tasks SET status = 'discarded' WHERE id = $1`, [String(id)]);
  });

  it("recovers tasks from a worker that stopped heartbeating, and refuses that worker's late completion", async () => {
    const ids = await enqueue(p, Array.from({ length: 20 }, (_, i) => ({ taskType: "noop", payload: { crash: i } })));
    // A "crashed" worker: claims with a 400 ms lease and never renews it.
    const crashed = `t-crashed-${Date.now()}`;
    const held = await claim(p, crashed, 1000, 400);
    const heldMine = held.filter((t) => ids.includes(t.id));
    expect(heldMine.length).toBe(20);
    // The attempt in progress has no row yet; the task page shows it from the task row.
    expect((await taskDetail(String(ids[0]))).attemptRows).toMatchObject([{ id: "running", attempt: 1, outcome: "running", workerId: crashed }]);
    const t0 = Date.now();
    // A one-minute poll interval: the rescuer must wake by itself when the first lease lapses.
    const w = worker({ workerId: `t-rescuer-${Date.now()}`, handlers: { noop: async () => {} }, pollIntervalMs: 60_000 });
    await w.start();
    await waitFor("the rescuer to finish them", async () => (await statuses(p, ids)).succeeded === 20, 10_000);
    const recoveryMs = Date.now() - t0;
    expect(recoveryMs).toBeLessThan(3_000);
    await w.stop();
    // The crashed worker comes back and tries to complete: refused, nothing overwritten.
    expect(await complete(p, crashed, heldMine.map((t) => ({ id: t.id, durationMs: 1 })))).toEqual([]);
    const { rows } = await p.query(`SELECT attempt, outcome::text, worker_id FROM fulfillment_attempts WHERE task_id = $1 ORDER BY attempt`, [String(ids[0])]);
    expect(rows).toEqual([
      { attempt: 1, outcome: "lease_expired", worker_id: crashed },
      { attempt: 2, outcome: "succeeded", worker_id: w.id },
    ]);
    // Leftover tasks claimed by the "crashed" worker that were not ours: release them.
    await p.query(`UPDATE fulfillment_tasks SET lease_expires_at = now() WHERE lease_owner = $1`, [crashed]);
  });

  it("dead-letters a task whose lease expired on its last allowed attempt (a poison task)", async () => {
    const [id] = await enqueue(p, [{ taskType: "noop", payload: { poison: true }, maxAttempts: 1 }]);
    await p.query(`UPDATE fulfillment_tasks SET run_at = now() - interval '1 hour' WHERE id = $1`, [String(id)]);
    const gone = `t-poisoned-${Date.now()}`;
    expect((await claim(p, gone, 1, 1)).map((t) => t.id)).toEqual([id]);
    await new Promise((r) => setTimeout(r, 20));
    await claim(p, `t-next-${Date.now()}`, 10, 1000);
    const { rows } = await p.query(`SELECT status::text, last_error_class FROM fulfillment_tasks WHERE id = $1`, [String(id)]);
    expect(rows[0]).toEqual({ status: "dead_lettered", last_error_class: "LeaseExpired" });
    await p.query(`UPDATE fulfillment_tasks SET lease_expires_at = now() WHERE lease_owner LIKE 't-next-%' AND status = 'running'`);
  });

  it("completes one batch and claims the next in one statement, never reclaiming a task it completes", async () => {
    const ids = await enqueue(p, Array.from({ length: 4 }, (_, i) => ({ taskType: "noop", payload: { pair: i } })));
    await p.query(`UPDATE fulfillment_tasks SET run_at = now() - interval '2 hours' WHERE id = ANY($1::bigint[])`, [ids.map(String)]);
    const me = `t-pair-${Date.now()}`;
    const first = await claim(p, me, 2, 60_000);
    expect(first.map((t) => t.id)).toEqual(ids.slice(0, 2));
    // Its lease has just run out: the expired branch must leave it to the completion.
    await p.query(`UPDATE fulfillment_tasks SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [String(first[0].id)]);
    const { completed, claimed } = await completeAndClaim(p, me, first.map((t) => ({ id: t.id, durationMs: 3 })), 2, 60_000);
    expect(completed.sort()).toEqual(ids.slice(0, 2));
    expect(claimed.map((t) => t.id)).toEqual(ids.slice(2));
    expect(await complete(p, me, claimed.map((t) => ({ id: t.id, durationMs: 1 })))).toEqual(ids.slice(2));
    // A success leaves the queue table; its attempt row keeps the task's record.
    const { rows } = await p.query(
      `SELECT task_id, outcome::text, duration_ms, payload, task_created_at IS NOT NULL AS enqueued_known FROM fulfillment_attempts
        WHERE task_id = ANY($1::bigint[]) ORDER BY task_id`,
      [ids.map(String)],
    );
    expect(rows.map((r) => [BigInt(r.task_id), r.outcome, r.payload, r.enqueued_known])).toEqual(ids.map((id, i) => [id, "succeeded", { pair: i }, true]));
    expect(rows[0].duration_ms).toBe(3);
    const left = await p.query(`SELECT count(*)::int AS n FROM fulfillment_tasks WHERE id = ANY($1::bigint[])`, [ids.map(String)]);
    expect(left.rows[0].n).toBe(0);
    // The task page still finds it, from that record.
    const detail = await taskDetail(String(ids[0]));
    expect(detail).toMatchObject({ id: String(ids[0]), taskType: "noop", status: "succeeded", attempts: 1, payload: { pair: 0 }, maxAttempts: null });
    expect(detail.finishedAt).not.toBeNull();
    expect(detail.attemptRows).toMatchObject([{ attempt: 1, outcome: "succeeded", workerId: me, durationMs: 3 }]);
  });

  it("plans the claim statement once on the worker's claim connection, not at every call", async () => {
    // With a large queue PostgreSQL's default planned it afresh at every call (docs/benchmarks.md);
    // on this small test queue the default would not show it, so only the claim connection is checked.
    const claimPool = sessionPool(p, { max: 1, settings: CLAIM_SESSION_SETTINGS });
    try {
      const me = `t-plan-${Date.now()}`;
      for (let i = 0; i < 8; i++) await completeAndClaim(claimPool, me, [], 1, 60_000);
      const { rows } = await claimPool.query(
        `SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name = 'fulfillment_complete_and_claim'`,
      );
      expect(rows[0]).toEqual({ generic: 8, custom: 0 });
    } finally {
      await claimPool.end();
    }
  });

  it("counts loop errors while the database is unreachable, backs off, and recovers", async () => {
    // A TCP proxy in front of PostgreSQL that we can cut and restore.
    const target = new URL(process.env.DATABASE_URL!);
    const sockets = new Set<net.Socket>();
    const makeProxy = () =>
      net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const close = () => (client.destroy(), upstream.destroy());
        client.on("error", close).on("close", close);
        upstream.on("error", close).on("close", close);
      });
    let proxy = makeProxy();
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const port = (proxy.address() as net.AddressInfo).port;
    const via = new URL(process.env.DATABASE_URL!);
    via.hostname = "127.0.0.1";
    via.port = String(port);
    const flakyPool = testPool(via.toString());

    const w = createWorker({ pool: flakyPool, ...base, workerId: `t-outage-${Date.now()}`, pollIntervalMs: 200, handlers: { noop: async () => {} } });
    started.push(w);
    await w.start();
    const before = await enqueue(p, [{ taskType: "noop", payload: { outage: "before" } }]);
    await waitFor("the first task", async () => (await statuses(p, before)).succeeded === 1);

    // Outage: refuse new connections and cut the open ones.
    await new Promise<void>((r) => { proxy.close(() => r()); for (const s of sockets) s.destroy(); });
    const during = await enqueue(p, [{ taskType: "noop", payload: { outage: "during" } }]);
    await waitFor("loop errors to be counted", async () => w.status().loopErrors >= 3, 10_000);
    expect(await statuses(p, during)).toEqual({ pending: 1 });

    // Back up on the same port: the worker reconnects, runs the task, persists its loop errors.
    proxy = makeProxy();
    await new Promise<void>((r) => proxy.listen(port, "127.0.0.1", r));
    await waitFor("the task enqueued during the outage", async () => (await statuses(p, during)).succeeded === 1, 10_000);
    const errors = w.status().loopErrors;
    await waitFor("loop errors persisted", async () => {
      const { rows } = await p.query(`SELECT loop_errors::int AS n FROM fulfillment_workers WHERE id = $1`, [w.id]);
      return rows[0]?.n >= errors;
    }, 5_000);
    await waitFor("LISTEN to be re-established", async () => w.status().listening, 5_000);
    await w.stop();
    proxy.close();
    for (const s of sockets) s.destroy();
    await flakyPool.end().catch(() => {});
  });
});
