// The dead-letter HTTP surface through the real route wrapper (policy, validation, error mapping) on
// the real database. Only session resolution is replaced: next-auth reads the cookie through Next's
// request context, which does not exist under vitest; the role checks in the wrapper still run.
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import { db, pool } from "@/lib/platform/db";
import type { SessionIdentity } from "@/lib/platform/auth/identity";
import { callRoute, sessionFor, type Handler } from "@/test/route-call";

const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));

const list = await import("./route");
const retryOne = await import("./[id]/retry/route");
const discardOne = await import("./[id]/discard/route");
const editRetry = await import("./[id]/edit-retry/route");
const retrySelected = await import("./retry/route");
const discardSelected = await import("./discard/route");
const bulkCreate = await import("../bulk-operations/route");
const bulkDryRun = await import("../bulk-operations/dry-run/route");
const bulkGet = await import("../bulk-operations/[id]/route");
const bulkCancel = await import("../bulk-operations/[id]/cancel/route");
const audit = await import("../../audit/route");

const as = (role: SessionIdentity["role"] | null) => {
  session.user = sessionFor(role);
};

const call = callRoute;

let run = "";
async function deadTask(payload: unknown = {}, type = "noop"): Promise<string> {
  const { rows } = await pool().query<{ id: string }>(
    `INSERT INTO fulfillment_tasks (task_type, payload, status, attempts, last_error_class, last_error, error_fingerprint, dead_lettered_at)
     VALUES ($1, $2::jsonb, 'dead_lettered', 5, 'ProviderTimeout', $3, $3, now()) RETURNING id::text`,
    [type, JSON.stringify(payload), `routes ${run}`],
  );
  return rows[0].id;
}

beforeEach(() => {
  run = randomUUID().slice(0, 8);
});
afterAll(async () => {
  await db().$disconnect();
});

describe("dead-letter routes", () => {
  it("a viewer can read but gets 403 from every mutating endpoint, and nothing changes", async () => {
    const id = await deadTask();
    const { rows } = await pool().query(`INSERT INTO fulfillment_bulk_operations (id, action, filter, reason, actor, total) VALUES (gen_random_uuid(), 'retry', '{}', 'r', 'x', 0) RETURNING id::text`);
    const opId = rows[0].id;
    as("viewer");
    expect((await call(list.GET, `/api/v1/fulfillment/dead-letters?q=${run}`)).json.items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await call(audit.GET, `/api/v1/audit`)).status).toBe(200);
    expect((await call(bulkGet.GET, `/api/v1/fulfillment/bulk-operations/${opId}`, { params: { id: opId } })).status).toBe(200);
    const mutations: [Handler, string, unknown, Record<string, string>?][] = [
      [retryOne.POST, `/api/v1/fulfillment/dead-letters/${id}/retry`, {}, { id }],
      [discardOne.POST, `/api/v1/fulfillment/dead-letters/${id}/discard`, { reason: "nope" }, { id }],
      [editRetry.POST, `/api/v1/fulfillment/dead-letters/${id}/edit-retry`, { payload: {}, reason: "nope" }, { id }],
      [retrySelected.POST, `/api/v1/fulfillment/dead-letters/retry`, { ids: [id] }],
      [discardSelected.POST, `/api/v1/fulfillment/dead-letters/discard`, { ids: [id], reason: "nope" }],
      [bulkDryRun.POST, `/api/v1/fulfillment/bulk-operations/dry-run`, { action: "retry", filter: { q: run } }],
      [bulkCreate.POST, `/api/v1/fulfillment/bulk-operations`, { action: "retry", filter: { q: run }, reason: "nope" }],
      [bulkCancel.POST, `/api/v1/fulfillment/bulk-operations/${opId}/cancel`, {}, { id: opId }],
    ];
    for (const [handler, url, body, params] of mutations) {
      const r = await call(handler, url, { body, params });
      expect([url, r.status, r.json.error.code]).toEqual([url, 403, "forbidden"]);
      expect(r.json.error.message).toContain('needs the "operate" permission');
    }
    const { rows: after } = await pool().query(`SELECT status::text FROM fulfillment_tasks WHERE id = $1`, [id]);
    expect(after[0].status).toBe("dead_lettered");
    as(null);
    expect((await call(retryOne.POST, `/api/v1/fulfillment/dead-letters/${id}/retry`, { body: {}, params: { id } })).status).toBe(401);
  });

  it("an operator retries; the second retry of the same task is a 409 with an explanation", async () => {
    const id = await deadTask();
    as("operator");
    const [a, b] = await Promise.all([
      call(retryOne.POST, `/api/v1/fulfillment/dead-letters/${id}/retry`, { body: {}, params: { id } }),
      call(retryOne.POST, `/api/v1/fulfillment/dead-letters/${id}/retry`, { body: {}, params: { id } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const conflict = a.status === 409 ? a : b;
    expect(conflict.json.error.message).toMatch(/no longer dead-lettered \(it is now pending — retry by operator@test.local/);
  });

  it("answers bad input with structured 4xx, never 500", async () => {
    as("operator");
    const id = await deadTask({ sku: "A", quantity: 1, warehouse: "w" }, "reserve_inventory");
    const cases: [Handler, string, { body?: unknown; params?: Record<string, string> }, number][] = [
      [list.GET, `/api/v1/fulfillment/dead-letters?from=yesterday`, {}, 400],
      [list.GET, `/api/v1/fulfillment/dead-letters?cursor=zzz`, {}, 400],
      [list.GET, `/api/v1/fulfillment/dead-letters?limit=100000`, {}, 400],
      [retryOne.POST, `/api/v1/fulfillment/dead-letters/abc/retry`, { body: {}, params: { id: "abc" } }, 400],
      [retryOne.POST, `/api/v1/fulfillment/dead-letters/99999999999/retry`, { body: {}, params: { id: "99999999999" } }, 404],
      [discardOne.POST, `/api/v1/fulfillment/dead-letters/${id}/discard`, { body: {}, params: { id } }, 422],
      [editRetry.POST, `/api/v1/fulfillment/dead-letters/${id}/edit-retry`, { body: { payload: { sku: "A", quantity: "two", warehouse: "w" }, reason: "fix" }, params: { id } }, 422],
      [retrySelected.POST, `/api/v1/fulfillment/dead-letters/retry`, { body: { ids: [] } }, 422],
      [bulkCreate.POST, `/api/v1/fulfillment/bulk-operations`, { body: { action: "retry", filter: { q: run } } }, 422],
      [bulkCreate.POST, `/api/v1/fulfillment/bulk-operations`, { body: { action: "explode", filter: {}, reason: "why not" } }, 422],
      [bulkGet.GET, `/api/v1/fulfillment/bulk-operations/not-a-uuid`, { params: { id: "not-a-uuid" } }, 400],
      [audit.GET, `/api/v1/audit?to=never`, {}, 400],
    ];
    for (const [handler, url, opts, status] of cases) {
      const r = await call(handler, url, opts);
      expect([url, r.status]).toEqual([url, status]);
      expect(r.json.error.message.length).toBeGreaterThan(10);
    }
    const bad = await call(editRetry.POST, `/api/v1/fulfillment/dead-letters/${id}/edit-retry`, { body: { payload: { sku: "A", quantity: "two", warehouse: "w" }, reason: "fix" }, params: { id } });
    expect(bad.json.error.message).toMatch(/does not match the "reserve_inventory" schema: quantity/);
  });

  it("dry run and bulk retry over HTTP: same count, progress readable until done", async () => {
    for (let i = 0; i < 3; i++) await deadTask();
    as("operator");
    const dry = await call(bulkDryRun.POST, `/api/v1/fulfillment/bulk-operations/dry-run`, { body: { action: "retry", filter: { q: run } } });
    expect(dry.json.count).toBe(3);
    const created = await call(bulkCreate.POST, `/api/v1/fulfillment/bulk-operations`, { body: { action: "retry", filter: { q: run }, reason: "provider back" } });
    expect(created.status).toBe(200);
    expect(created.json.operation.total).toBe(3);
    const opId = created.json.operation.id;
    let op = created.json.operation;
    for (let i = 0; i < 50 && op.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      op = (await call(bulkGet.GET, `/api/v1/fulfillment/bulk-operations/${opId}`, { params: { id: opId } })).json.operation;
    }
    expect(op).toMatchObject({ status: "succeeded", processed: 3, changed: 3 });
  });
});
