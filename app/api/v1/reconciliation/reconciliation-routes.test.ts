// The reconciliation routes through their real handlers on the real database: an affiliate's key
// submits and reads its own claims; bad input is a structured 4xx; wrong role or scope is 403.
// Only session resolution is replaced (next-auth needs Next's request context).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import type { SessionIdentity } from "@/lib/platform/auth/identity";

const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));
import { createApiKey } from "@/lib/platform/auth/api-keys";
import { pool } from "@/lib/platform/db";
const { POST: submitPOST, GET: listGET } = await import("./submissions/route");
const { GET: detailGET } = await import("./submissions/[id]/route");
const { POST: affiliatePOST, GET: affiliatesGET } = await import("./affiliates/route");
const { GET: panelGET } = await import("./panel/route");
const { GET: riskGET } = await import("./risk/route");
const { GET: snapshotGET } = await import("./snapshot/route");
const { POST: dryRunPOST } = await import("./re-reconcile/dry-run/route");
const { POST: rereconcilePOST } = await import("./re-reconcile/route");

const run = randomBytes(3).toString("hex");
const noParams = { params: Promise.resolve({}) };
const saved = { ...process.env };
let affiliateKey = "";
let otherAffiliateKey = "";
let metricsKey = "";

const as = (role: SessionIdentity["role"] | null) => {
  session.user = role ? { kind: "session", userId: "00000000-0000-4000-8000-000000000001", email: `${role}@test.local`, role } : null;
};

const req = (url: string, opts: { method?: string; body?: unknown; key?: string } = {}) =>
  new NextRequest(`http://localhost${url}`, {
    method: opts.method ?? "GET",
    headers: { ...(opts.body !== undefined ? { "content-type": "application/json" } : {}), ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}) },
    body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
  });

const claim = (post = `p-${run}`) => ({ platform: "instagram", post_id: post, period: { start: "2026-11-01T00:00:00Z", end: "2026-11-30T00:00:00Z" }, claimed: { views: 1200, clicks: 40 } });
const submit = (body: unknown, key = affiliateKey) => submitPOST(req("/api/v1/reconciliation/submissions", { method: "POST", body, key }), noParams);

beforeAll(async () => {
  delete process.env.RECONCILIATION_PLATFORMS;
  as("admin");
  const created = await affiliatePOST(req("/api/v1/reconciliation/affiliates", { method: "POST", body: { name: `Route Affiliate ${run}` } }), noParams);
  expect(created.status).toBe(201);
  affiliateKey = (await created.json()).apiKey.key;
  const other = await affiliatePOST(req("/api/v1/reconciliation/affiliates", { method: "POST", body: { name: `Other Affiliate ${run}` } }), noParams);
  otherAffiliateKey = (await other.json()).apiKey.key;
  metricsKey = (await createApiKey({ name: `metrics-${run}`, scopes: ["metrics:read"], actor: "test" })).key;
  as(null);
});

afterAll(async () => {
  process.env = saved;
  // Nothing else in this file runs the queue: leave no reconciliation task for other files' workers.
  await pool().query(`UPDATE fulfillment_tasks SET status = 'succeeded' WHERE task_type = 'reconciliation.reconcile' AND status = 'pending'`);
});

describe("POST /api/v1/reconciliation/submissions", () => {
  it("answers 202 with the id; the claim and its first task are stored together", async () => {
    const res = await submit(claim());
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toMatchObject({ status: "queued", status_url: `/api/v1/reconciliation/submissions/${body.id}` });
    const { rows } = await pool().query(`SELECT count(*)::int AS n FROM fulfillment_tasks WHERE task_type = 'reconciliation.reconcile' AND payload->>'submissionId' = $1`, [body.id]);
    expect(rows[0].n).toBe(1);
  });

  it.each([
    ["an unknown platform", { ...claim(), platform: "myspace" }, 422, /Unknown platform "myspace". Use one of: instagram, tiktok, youtube/],
    ["no claimed metric", { ...claim(), claimed: {} }, 422, /claim at least one of views, clicks or sales/],
    ["a negative figure", { ...claim(), claimed: { views: -1 } }, 422, /claimed.views cannot be negative/],
    ["a fractional figure", { ...claim(), claimed: { views: 1.5 } }, 422, /whole number/],
    ["an inverted period", { ...claim(), period: { start: "2026-11-30T00:00:00Z", end: "2026-11-01T00:00:00Z" } }, 422, /period.end must not be before period.start/],
    ["a bad post id", { ...claim(), post_id: "a b" }, 422, /post_id/],
    ["an unknown field", { ...claim(), bonus: 1 }, 422, /bonus/],
    ["a year-99999 date", { ...claim(), period: { start: "+099999-01-01T00:00:00Z", end: "2026-11-01T00:00:00Z" } }, 422, /period.start must be a date\/time between/],
    ["broken JSON", "{", 400, /not valid JSON/],
  ])("refuses %s with a structured error", async (_what, body, status, message) => {
    const res = await submit(body);
    expect(res.status).toBe(status);
    const json = await res.json();
    expect(json.error.message).toMatch(message);
  });

  it("401 without a key, 403 for a key without the scope or a signed-in user", async () => {
    expect((await submitPOST(req("/api/v1/reconciliation/submissions", { method: "POST", body: claim() }), noParams)).status).toBe(401);
    expect((await submit(claim(), metricsKey)).status).toBe(403);
  });

  it("403 for a key with the scope that is not linked to an affiliate", async () => {
    const loose = (await createApiKey({ name: `loose-${run}`, scopes: ["reconciliation:submit"], actor: "test" })).key;
    const res = await submit(claim(), loose);
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toMatch(/not linked to an affiliate/);
  });
});

describe("GET /api/v1/reconciliation/submissions/{id}", () => {
  it("answers the status to the affiliate that submitted it, 404 to another affiliate, and to staff", async () => {
    const { id } = await (await submit(claim(`mine-${run}`))).json();
    const own = await detailGET(req(`/api/v1/reconciliation/submissions/${id}`, { key: affiliateKey }), { params: Promise.resolve({ id }) });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ id, status: "queued", postId: `mine-${run}`, attempts: [], lastFetch: null, alert: null, trustDelta: null });
    const other = await detailGET(req(`/api/v1/reconciliation/submissions/${id}`, { key: otherAffiliateKey }), { params: Promise.resolve({ id }) });
    expect(other.status).toBe(404);
    as("viewer");
    expect((await detailGET(req(`/api/v1/reconciliation/submissions/${id}`), { params: Promise.resolve({ id }) })).status).toBe(200);
    as(null);
  });

  it("400 for an id that is not one", async () => {
    as("viewer");
    const res = await detailGET(req(`/api/v1/reconciliation/submissions/abc`), { params: Promise.resolve({ id: "abc" }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/id must be an id/);
    as(null);
  });
});

describe("staff routes", () => {
  it("a viewer reads the list, panel and risk data but cannot create an affiliate", async () => {
    as("viewer");
    const list = await listGET(req(`/api/v1/reconciliation/submissions?q=Route%20Affiliate%20${run}`), noParams);
    expect(list.status).toBe(200);
    expect((await list.json()).submissions.length).toBeGreaterThanOrEqual(2);
    expect((await panelGET(req("/api/v1/reconciliation/panel?minutes=30"), noParams)).status).toBe(200);
    expect((await riskGET(req("/api/v1/reconciliation/risk"), noParams)).status).toBe(200);
    expect((await affiliatesGET(req("/api/v1/reconciliation/affiliates"), noParams)).status).toBe(200);
    const denied = await affiliatePOST(req("/api/v1/reconciliation/affiliates", { method: "POST", body: { name: `Nope ${run}` } }), noParams);
    expect(denied.status).toBe(403);
    as("operator");
    expect((await affiliatePOST(req("/api/v1/reconciliation/affiliates", { method: "POST", body: { name: `Nope ${run}` } }), noParams)).status).toBe(403);
    as(null);
  });

  it("an affiliate key cannot read staff lists; bad filters are 400", async () => {
    expect((await listGET(req("/api/v1/reconciliation/submissions", { key: affiliateKey }), noParams)).status).toBe(403);
    as("viewer");
    expect((await listGET(req("/api/v1/reconciliation/submissions?status=lost"), noParams)).status).toBe(400);
    expect((await panelGET(req("/api/v1/reconciliation/panel?minutes=99999"), noParams)).status).toBe(400);
    as(null);
  });

  it("a second affiliate with the same name is a 409", async () => {
    as("admin");
    const res = await affiliatePOST(req("/api/v1/reconciliation/affiliates", { method: "POST", body: { name: `Route Affiliate ${run}` } }), noParams);
    expect(res.status).toBe(409);
    as(null);
  });
});

describe("operations", () => {
  it("the incident snapshot is one download with queue depth, status distribution and every platform's breaker", async () => {
    as("viewer");
    const res = await snapshotGET(req("/api/v1/reconciliation/snapshot"), noParams);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="reconciliation-incident-/);
    const body = await res.json();
    expect(body.queue).toHaveProperty("depth");
    expect(body.statusDistribution.last1h.byStatus).toHaveProperty("missing");
    expect(body.breakers.map((b: { name: string }) => b.name)).toEqual(["instagram", "tiktok", "youtube"]);
    as(null);
  });

  it("re-reconciliation: operators only, a reason required, bad filters refused", async () => {
    as("viewer");
    expect((await dryRunPOST(req("/api/v1/reconciliation/re-reconcile/dry-run", { method: "POST", body: { filter: {} } }), noParams)).status).toBe(403);
    expect((await rereconcilePOST(req("/api/v1/reconciliation/re-reconcile", { method: "POST", body: { filter: {}, reason: "because" } }), noParams)).status).toBe(403);
    as("operator");
    const dry = await dryRunPOST(req("/api/v1/reconciliation/re-reconcile/dry-run", { method: "POST", body: { filter: { q: `p-${run}` } } }), noParams);
    expect(dry.status).toBe(200);
    expect(await dry.json()).toMatchObject({ count: 0, sample: [] }); // still queued: not finished, not re-reconciled
    const noReason = await rereconcilePOST(req("/api/v1/reconciliation/re-reconcile", { method: "POST", body: { filter: {} } }), noParams);
    expect(noReason.status).toBe(422);
    expect((await noReason.json()).error.message).toMatch(/reason/);
    const badFilter = await dryRunPOST(req("/api/v1/reconciliation/re-reconcile/dry-run", { method: "POST", body: { filter: { status: "lost" } } }), noParams);
    expect(badFilter.status).toBe(422);
    const nothing = await rereconcilePOST(req("/api/v1/reconciliation/re-reconcile", { method: "POST", body: { filter: { q: `p-${run}` }, reason: "test run" } }), noParams);
    expect(nothing.status).toBe(409);
    as(null);
  });
});
