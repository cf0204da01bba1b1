// GET /api/v1/slos, /api/v1/slos/<name> and the admin export downloads through the real route
// wrapper on the real database. Only session resolution is replaced (next-auth needs Next's
// request context, absent under vitest).
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import type { SessionIdentity } from "@/lib/platform/auth/identity";

const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));
import { createApiKey } from "@/lib/platform/auth/api-keys";
import { registry } from "@/lib/platform/metrics";
const { GET: listGET } = await import("./route");
const { GET: oneGET } = await import("./[name]/route");
const { GET: exportGET } = await import("../exports/[kind]/route");
// Importing the rules registers the SLO gauges, as the server does via lib/domains.ts.
await import("@/lib/slo/rules");

const as = (role: SessionIdentity["role"] | null) => {
  session.user = role ? { kind: "session", userId: "00000000-0000-4000-8000-000000000002", email: `${role}@test.local`, role } : null;
};
let readKey = "";

const call = (handler: typeof listGET, path: string, params: Record<string, string> = {}, key: string | null = null) =>
  handler(new NextRequest(`http://localhost${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }), { params: Promise.resolve(params) });

beforeAll(async () => {
  readKey = (await createApiKey({ name: `slo-read-${Date.now()}`, scopes: ["metrics:read"], actor: "test" })).key;
});

describe("SLO API", () => {
  it("lists every SLO's status for a viewer and for a metrics:read key", async () => {
    as("viewer");
    const res = await call(listGET, "/api/v1/slos");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.slos.map((s: { name: string }) => s.name)).toEqual(["api-availability", "api-latency", "catalog-search-results", "fulfillment-enqueue-to-done", "fulfillment-task-success", "payments-checkout-success", "payments-webhook-processing", "reconciliation-attempt-latency", "reconciliation-first-attempt", "reconciliation-missing-ratio", "reconciliation-submission-latency"]);
    const s = body.slos.find((x: { name: string }) => x.name === "fulfillment-task-success");
    expect(s.burnRates.map((b: { window: string }) => b.window)).toEqual(["5m", "30m", "1h", "2h", "6h", "1d", "3d"]);
    expect(typeof s.errorBudgetRemaining).toBe("number");
    expect(typeof s.headline).toBe("string");
    as(null);
    expect((await call(listGET, "/api/v1/slos", {}, readKey)).status).toBe(200);
    expect((await call(listGET, "/api/v1/slos")).status).toBe(401);
  });

  it("shows one SLO with history and its four alerts; unknown names are a 404 naming the known ones", async () => {
    as("viewer");
    const res = await call(oneGET, "/api/v1/slos/fulfillment-task-success", { name: "fulfillment-task-success" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.history).toHaveLength(28);
    expect(body.alerts.map((a: { rule: string; factor: number }) => [a.rule, a.factor])).toEqual([
      ["FulfillmentTaskSuccessBudgetBurnPage1h", 13.44],
      ["FulfillmentTaskSuccessBudgetBurnPage6h", 5.6],
      ["FulfillmentTaskSuccessBudgetBurnTicket1d", 2.8],
      ["FulfillmentTaskSuccessBudgetBurnTicket3d", 0.9333],
    ]);
    const missing = await call(oneGET, "/api/v1/slos/nope", { name: "nope" });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toContain("Known: api-availability, api-latency, catalog-search-results, fulfillment-enqueue-to-done, fulfillment-task-success, payments-checkout-success, payments-webhook-processing, reconciliation-attempt-latency, reconciliation-first-attempt, reconciliation-missing-ratio, reconciliation-submission-latency");
  });

  it("exposes the SLO gauges on scrape with only the slo label", async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/opsdeck_slo_error_budget_remaining_ratio\{slo="fulfillment-task-success"\} -?[\d.e-]+/);
    expect(text).toContain("# TYPE opsdeck_slo_sli_ratio gauge");
  });
});

describe("export downloads", () => {
  it("serve admins a file as an attachment", async () => {
    as("admin");
    const res = await call(exportGET, "/api/v1/exports/alertmanager", { kind: "alertmanager" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="alertmanager.yml"');
    expect(await res.text()).toContain("inhibit_rules:");
    const g = await call(exportGET, `/api/v1/exports/grafana?file=${encodeURIComponent("provisioning/dashboards/opsdeck/opsdeck-slos.json")}`, { kind: "grafana" });
    expect(JSON.parse(await g.text()).uid).toBe("opsdeck-slos");
  });

  it("refuse non-admins and API keys, and explain bad kinds and files", async () => {
    for (const role of ["viewer", "operator"] as const) {
      as(role);
      expect((await call(exportGET, "/api/v1/exports/alertmanager", { kind: "alertmanager" })).status).toBe(403);
    }
    as(null);
    expect((await call(exportGET, "/api/v1/exports/alertmanager", { kind: "alertmanager" }, readKey)).status).toBe(403);
    as("admin");
    const many = await call(exportGET, "/api/v1/exports/grafana", { kind: "grafana" });
    expect(many.status).toBe(400);
    expect((await many.json()).error.message).toContain("opsdeck-commerce.json");
    expect((await call(exportGET, "/api/v1/exports/nope", { kind: "nope" })).status).toBe(404);
  });
});
