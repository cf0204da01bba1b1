// The fulfillment endpoints through the real route wrapper on the real database. Only session
// resolution is replaced (next-auth needs Next's request context, absent under vitest).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import type { SessionIdentity } from "@/lib/platform/auth/identity";

const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));
import { createApiKey } from "@/lib/platform/auth/api-keys";
import { pool } from "@/lib/platform/db";
import { taskStatusSql } from "@/lib/fulfillment/queue";
import { createWorker } from "@/lib/fulfillment/worker";
import { NonRetryableError } from "@/lib/fulfillment/errors";
import { panelSnapshot } from "@/lib/fulfillment/stats";
import { parkQueuedTasks } from "@/lib/fulfillment/test-helpers";
const { GET: metricsGET } = await import("./metrics/route");
const { GET: healthGET } = await import("./health/route");
const { GET: observabilityGET } = await import("./observability/route");
const { GET: panelGET } = await import("./panel/route");
const { POST: tasksPOST } = await import("./tasks/route");

const as = (role: SessionIdentity["role"] | null) => {
  session.user = role ? { kind: "session", userId: "00000000-0000-4000-8000-000000000001", email: `${role}@test.local`, role } : null;
};

const noParams = { params: Promise.resolve({}) };
let readKey = "";
let checkoutKey = "";
let noScopeKey = "";
let unpark: () => Promise<void>;

const get = (handler: typeof metricsGET, path: string, key: string | null = readKey) =>
  handler(new NextRequest(`http://localhost${path}`, { headers: key === null ? {} : { authorization: `Bearer ${key}` } }), noParams);

const post = (body: unknown, key = checkoutKey, contentType = "application/json") =>
  tasksPOST(
    new NextRequest("http://localhost/api/v1/fulfillment/tasks", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": contentType },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    noParams,
  );

beforeAll(async () => {
  unpark = await parkQueuedTasks(pool());
  readKey = (await createApiKey({ name: `ff-read-${Date.now()}`, scopes: ["metrics:read"], actor: "test" })).key;
  checkoutKey = (await createApiKey({ name: `ff-checkout-${Date.now()}`, scopes: ["checkout"], actor: "test" })).key;
  noScopeKey = (await createApiKey({ name: `ff-none-${Date.now()}`, scopes: ["alerts:write"], actor: "test" })).key;
});

afterAll(async () => {
  await unpark();
  await pool().query(`UPDATE fulfillment_tasks SET status = 'discarded' WHERE status IN ('pending', 'retry_scheduled') AND payload->>'routeTest' = 'true'`);
});

describe("fulfillment endpoints", () => {
  it("enqueue → worker → metrics, health and observability move by what happened", async () => {
    const before = await (await get(metricsGET, "/api/v1/fulfillment/metrics")).json();
    const created = await post({ tasks: [
      { task_type: "noop", payload: { routeTest: "true", n: 1 } },
      { task_type: "noop", payload: { routeTest: "true", n: 2 } },
      { task_type: "capture_payment", payload: { orderReference: "RT-1", amountCents: 100, currency: "EUR" } },
    ] });
    expect(created.status).toBe(201);
    const { ids, count } = await created.json();
    expect(count).toBe(3);

    const w = createWorker({
      pool: pool(), workerId: `route-test-${Date.now()}`, batchSize: 10, pollIntervalMs: 100, concurrency: 4, leaseMs: 5_000, maxAttempts: 5,
      handlers: { noop: async () => {}, capture_payment: async () => { throw new NonRetryableError(`card 4242 declined for RT-1`); } },
    });
    await w.start();
    const until = Date.now() + 10_000;
    for (;;) {
      const { rows } = await pool().query(
        `SELECT count(*)::int AS n FROM unnest($1::bigint[]) AS i(id) WHERE ${taskStatusSql("i.id")} IN ('succeeded', 'dead_lettered')`,
        [ids],
      );
      if (rows[0].n === 3) break;
      if (Date.now() > until) throw new Error("tasks did not finish");
      await new Promise((r) => setTimeout(r, 50));
    }

    const health = await (await get(healthGET, "/api/v1/fulfillment/health")).json();
    expect(health).toMatchObject({ poll_interval_seconds: expect.any(Number), batch_size: expect.any(Number), enabled: expect.any(Boolean) });
    expect(health.workers.some((x: { id: string; state: string }) => x.id === w.id && x.state === "running")).toBe(true);
    expect(health.running_workers).toBeGreaterThanOrEqual(1);
    await w.stop();

    const after = await (await get(metricsGET, "/api/v1/fulfillment/metrics")).json();
    expect(after.processed - before.processed).toBe(3);
    expect(after.dead_lettered - before.dead_lettered).toBe(1);
    expect(after.failed - before.failed).toBe(1);
    expect(after.retried - before.retried).toBe(0);
    expect(after.timing.task_duration_ms.p50).not.toBeNull();
    expect(after.timing.last_loop_at).not.toBeNull();

    const res = await get(observabilityGET, "/api/v1/fulfillment/observability");
    const text = await res.text();
    // The shared test database has every task type and several failures by now: near worst case.
    expect(Buffer.byteLength(text)).toBeLessThan(1024);
    const obs = JSON.parse(text);
    expect(Object.keys(obs.totals).sort()).toEqual(["dead_lettered", "failed", "pending", "processed", "retried", "running"]);
    expect(obs.task_types.noop.processed).toBeGreaterThanOrEqual(2);
    expect(obs.events.recent_failures.length).toBeLessThanOrEqual(3);
    expect(obs.events.last_dead_letter_task).toMatchObject({ id: ids[2], task_type: "capture_payment", error: "card 4242 declined for RT-1" });

    const panel = await panelSnapshot("15m");
    expect(panel.series).toHaveLength(15);
    expect(panel.tiles.dead_lettered_last_hour).toBeGreaterThanOrEqual(1);
    expect(panel.task_types.find((t) => t.task_type === "capture_payment")!.dead_lettered).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ["metrics with a malformed key", () => get(metricsGET, "/api/v1/fulfillment/metrics", "garbage"), 401],
    ["metrics without credentials", () => (as(null), get(metricsGET, "/api/v1/fulfillment/metrics", null)), 401],
    ["panel with an unknown window", () => (as("viewer"), get(panelGET, "/api/v1/fulfillment/panel?window=2d", null)), 400],
    ["enqueue as a viewer", () => (as("viewer"), tasksPOST(new NextRequest("http://localhost/api/v1/fulfillment/tasks", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }), noParams)), 403],
    ["health with a key lacking metrics:read and checkout", () => get(healthGET, "/api/v1/fulfillment/health", noScopeKey), 403],
    ["observability with an unknown key", () => get(observabilityGET, "/api/v1/fulfillment/observability", "opsk_AAAAAAAA_" + "A".repeat(43)), 401],
    ["panel with an API key (session only)", () => get(panelGET, "/api/v1/fulfillment/panel?window=1h"), 403],
    ["enqueue with a read-only key", () => post({ task_type: "noop", payload: {} }, readKey), 403],
    ["enqueue with malformed JSON", () => post("{nope"), 400],
    ["enqueue as text/plain", () => post("{}", checkoutKey, "text/plain"), 415],
    ["enqueue an unknown task type", () => post({ task_type: "teleport", payload: {} }), 422],
    ["enqueue with a bad payload", () => post({ task_type: "reserve_inventory", payload: { sku: "A", quantity: -1, warehouse: "w" } }), 422],
    ["enqueue with an unknown order item", () => post({ task_type: "noop", payload: { routeTest: "true" }, order_item_id: "00000000-0000-4000-8000-000000000000" }), 422],
    ["enqueue with a bad run_at", () => post({ task_type: "noop", payload: {}, run_at: "tomorrow" }), 422],
    ["enqueue an empty batch", () => post({ tasks: [] }), 422],
  ])("%s → %i JSON", async (_name, call, status) => {
    const res = await call();
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.message.length).toBeGreaterThan(10);
  });

  it("serves metrics, health and observability to the seed's checkout key", async () => {
    for (const [handler, path] of [[metricsGET, "metrics"], [healthGET, "health"], [observabilityGET, "observability"]] as const) {
      const res = await get(handler, `/api/v1/fulfillment/${path}`, checkoutKey);
      expect(res.status, path).toBe(200);
    }
    const body = await (await get(observabilityGET, "/api/v1/fulfillment/observability", checkoutKey)).json();
    expect(body.totals.dead_lettered).toEqual(expect.any(Number));
  });

  it("serves the panel to a signed-in viewer", async () => {
    as("viewer");
    const res = await get(panelGET, "/api/v1/fulfillment/panel?window=6h", null);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ window: "6h", step_minutes: 6 });
    expect(body.series).toHaveLength(60);
    expect(Object.keys(body.tiles).sort()).toEqual(["dead_lettered_last_hour", "failed_last_hour", "oldest_pending_age_seconds", "pending", "running", "succeeded_last_hour"]);
  });

  it("names the failing field of a bad payload", async () => {
    const body = await (await post({ task_type: "reserve_inventory", payload: { sku: "A", quantity: -1, warehouse: "w" } })).json();
    expect(body.error).toMatchObject({ code: "validation_failed" });
    expect(body.error.message).toContain('"quantity"');
    expect(body.error.message).toContain("reserve_inventory");
  });
});
