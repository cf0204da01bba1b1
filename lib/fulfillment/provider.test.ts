// The provider adapter against a local stub HTTP server; the demo simulator and history seeder on
// the real database; readiness and Prometheus exposition.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type pg from "pg";
import { breakerProvider, httpProvider, incidentSchedule, ProviderError, ProviderRejectedError, ProviderTimeoutError, simulatedProvider } from "./provider";
import { CircuitOpenError, sharedBreaker } from "@/lib/platform/breakers";
import { isNonRetryable } from "./errors";
import { createDemoOrders, seedFulfillmentHistory } from "./simulator";
import { parkQueuedTasks, testPool } from "./test-helpers";
import { registry } from "@/lib/platform/metrics";

let stub: http.Server;
let base = "";
const seen: { url: string; body: string }[] = [];

beforeAll(async () => {
  stub = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d)).on("end", () => {
      seen.push({ url: req.url ?? "", body });
      const status = Number(/status=(\d+)/.exec(req.url ?? "")?.[1] ?? 200);
      const delay = Number(/delay=(\d+)/.exec(req.url ?? "")?.[1] ?? 0);
      setTimeout(() => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ status })), delay);
    });
  });
  await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(stub.address() as { port: number }).port}`;
});
afterAll(() => stub.close());

describe("provider adapter", () => {
  it("posts the payload to {base}/{operation} and classifies failures", async () => {
    const p = httpProvider(`${base}/`, 300);
    expect(await p.call("reserve_inventory", { sku: "A" })).toEqual({ status: 200 });
    expect(seen.at(-1)).toEqual({ url: "/reserve_inventory", body: '{"sku":"A"}' });

    const rejected = (await p.call("x?status=422", {}).catch((e: unknown) => e)) as ProviderRejectedError;
    expect(rejected).toBeInstanceOf(ProviderRejectedError);
    expect(isNonRetryable(rejected)).toBe(true);
    expect(rejected.message).toContain("422");

    for (const status of [500, 503, 429, 408]) {
      const err = await p.call(`x?status=${status}`, {}).catch((e) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(isNonRetryable(err)).toBe(false);
    }
    const slow = await p.call("x?delay=1000", {}).catch((e) => e);
    expect(slow).toBeInstanceOf(ProviderTimeoutError);
    expect(isNonRetryable(slow)).toBe(false);
    const down = await httpProvider("http://127.0.0.1:1", 300).call("x", {}).catch((e) => e);
    expect(down).toBeInstanceOf(ProviderError);
  });

  it("through the shared breaker: 5xx answers open it and the provider is no longer called; 4xx do not count", async () => {
    const pool = testPool();
    try {
      const breaker = sharedBreaker(pool, `fulfillment:provider-test-${Date.now()}`, { failureThreshold: 2, openCooldownSeconds: 60, halfOpenProbeCount: 1, failureWindowSeconds: 60 }, {
        isFailure: (err) => !(err instanceof ProviderRejectedError),
        listen: false,
      });
      const p = breakerProvider(httpProvider(base, 300), breaker);
      for (let i = 0; i < 3; i++) expect(await p.call("x?status=422", {}).catch((e) => e)).toBeInstanceOf(ProviderRejectedError);
      expect((await breaker.state()).failuresInWindow).toBe(0);
      for (let i = 0; i < 2; i++) expect(await p.call("x?status=503", {}).catch((e) => e)).toBeInstanceOf(ProviderError);
      const calls = seen.length;
      const refused = await p.call("reserve_inventory", {}).catch((e) => e);
      expect(refused).toBeInstanceOf(CircuitOpenError);
      expect(isNonRetryable(refused)).toBe(false); // the task retries later
      expect(seen.length).toBe(calls);
    } finally {
      await pool.end();
    }
  });

  it("simulates the configured failure mix", async () => {
    // Rates 0.02 non-retryable / 0.08 retryable: rolls 0.01 → rejected; 0.05 → retryable (then
    // 0.9 picks which error); 0.5 → success.
    const rolls = [0.01, 0.05, 0.9, 0.5];
    const sim = simulatedProvider({ failureRate: 0.08, nonRetryableRate: 0.02, latencyMs: 0, random: () => rolls.shift()! });
    const results: string[] = [];
    for (let i = 0; i < 3; i++) results.push(await sim.call("reserve_inventory", { sku: "S" }).then(() => "ok", (e) => (isNonRetryable(e) ? "dead" : "retry")));
    expect(results).toEqual(["dead", "retry", "ok"]);
  });

  it("outside an incident, only retryable failures happen", async () => {
    const rolls = [0.01, 0.9, 0.05, 0.9];
    const sim = simulatedProvider({ failureRate: 0.08, nonRetryableRate: 0.02, latencyMs: 0, random: () => rolls.shift()!, inIncident: () => false });
    const results: string[] = [];
    for (let i = 0; i < 2; i++) results.push(await sim.call("reserve_inventory", { sku: "S" }).then(() => "ok", (e) => (isNonRetryable(e) ? "dead" : "retry")));
    expect(results).toEqual(["retry", "retry"]);
  });

  it("schedules a 2-minute incident a minute after start, then every 12 minutes", () => {
    let t = 0;
    const inIncident = incidentSchedule(0, 120, 720, () => t);
    const at = (seconds: number) => ((t = seconds * 1000), inIncident());
    expect([at(0), at(59), at(60), at(179), at(180), at(779), at(780), at(899), at(900)]).toEqual([false, false, true, true, false, false, true, true, false]);
    expect(incidentSchedule(0, 120, 0)()).toBe(true); // no schedule: always on
  });
});

describe("demo traffic", () => {
  let p: pg.Pool;
  let unpark: () => Promise<void>;
  beforeAll(async () => {
    p = testPool();
    unpark = await parkQueuedTasks(p);
  });
  afterAll(async () => {
    await p.query(`UPDATE fulfillment_tasks SET status = 'discarded' WHERE status = 'pending' AND created_at > now() - interval '5 minutes' AND task_type <> 'noop'`);
    await unpark();
    await p.end();
  });

  it("creates orders, items and schema-valid tasks in one transaction", async () => {
    const before = await p.query(`SELECT count(*)::int AS n FROM order_items`);
    const created = await createDemoOrders(p, 5);
    const after = await p.query(`SELECT count(*)::int AS n FROM order_items`);
    const items = after.rows[0].n - before.rows[0].n;
    expect(items).toBeGreaterThanOrEqual(5);
    expect(created).toBe(items * 2 + 5 * 2); // reserve + ship per item, capture + notify per order
  });

  it("seeds history once: dead letters in four error groups, with attempts and counters", async () => {
    await seedFulfillmentHistory(p);
    await seedFulfillmentHistory(p);
    const { rows } = await p.query(
      `SELECT count(*)::int AS orders FROM orders WHERE reference LIKE 'DEMO-HISTORY-%'`,
    );
    expect(rows[0].orders).toBe(240);
    const dead = await p.query(
      `SELECT count(*)::int AS n, count(DISTINCT t.error_fingerprint)::int AS groups, min(t.dead_lettered_at) < now() - interval '30 minutes' AS old
         FROM fulfillment_tasks t JOIN order_items i ON i.id = t.order_item_id JOIN orders o ON o.id = i.order_id
        WHERE o.reference LIKE 'DEMO-HISTORY-%' AND t.status = 'dead_lettered'`,
    );
    expect(dead.rows[0]).toEqual({ n: 20, groups: expect.any(Number), old: true });
    expect(dead.rows[0].groups).toBeGreaterThanOrEqual(4);
    // Succeeded tasks have left the queue table: their success attempts carry the order item.
    const attempts = await p.query(
      `SELECT count(*)::int AS n FROM fulfillment_attempts a
         LEFT JOIN fulfillment_tasks t ON t.id = a.task_id
         JOIN order_items i ON i.id = coalesce(t.order_item_id, (SELECT s.order_item_id FROM fulfillment_attempts s WHERE s.task_id = a.task_id AND s.outcome = 'succeeded'))
         JOIN orders o ON o.id = i.order_id WHERE o.reference LIKE 'DEMO-HISTORY-%'`,
    );
    // 240 first attempts, 5 per retryable dead letter, a second attempt for every retried-once order.
    expect(attempts.rows[0].n).toBeGreaterThan(240 + 40);
  });
});

describe("exposition", () => {
  it("exports the fulfillment series with bounded labels, gauges read from the database", async () => {
    await import("./metrics");
    const text = await registry.metrics();
    for (const name of ["fulfillment_tasks_processed_total", "fulfillment_task_duration_seconds", "fulfillment_loop_errors_total"]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
    expect(text).toMatch(/^fulfillment_queue_depth \d+$/m);
    expect(text).toMatch(/^fulfillment_dead_lettered \d+$/m);
  });
});
