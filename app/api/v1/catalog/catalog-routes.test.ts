// The catalog endpoints through the real route wrapper on the real database, and
// `opsdeck export catalog-insights` against them over HTTP. Only session resolution is replaced
// (next-auth needs Next's request context, absent under vitest).
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import type { SessionIdentity } from "@/lib/platform/auth/identity";

const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));
import { createApiKey } from "@/lib/platform/auth/api-keys";
import { pool } from "@/lib/platform/db";
import { ensureTestCatalog } from "@/lib/catalog/test-helpers";
import { sessionHash } from "@/lib/catalog/search";
import { CatalogExportError, exportCatalogInsights } from "@/bin/commands/catalog-insights";
const { GET: searchGET } = await import("./search/route");
const { POST: clickPOST } = await import("./search/click/route");
const { GET: insightsGET } = await import("./insights/route");
const { GET: exportGET } = await import("./insights/export/route");
const { GET: observabilityGET } = await import("./observability/route");

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const noParams = { params: Promise.resolve({}) };
const keys = { checkout: "", read: "", alerts: "" };
const MARK = `routes${Date.now().toString(36)}`;

const as = (role: SessionIdentity["role"] | null) => {
  session.user = role ? { kind: "session", userId: "00000000-0000-4000-8000-00000000c47a", email: `${role}@test.local`, role } : null;
};

function get(handler: Handler, url: string, key: string | null = null) {
  return handler(new NextRequest(`http://localhost${url}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }), noParams);
}

function click(body: unknown, key: string | null = keys.checkout, contentType = "application/json") {
  const headers: Record<string, string> = { "content-type": contentType };
  if (key) headers.authorization = `Bearer ${key}`;
  return clickPOST(new NextRequest("http://localhost/api/v1/catalog/search/click", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) }), noParams);
}

let server: http.Server;
let base = "";
let tmp = "";

beforeAll(async () => {
  await ensureTestCatalog(pool());
  keys.checkout = (await createApiKey({ name: `cat-checkout-${MARK}`, scopes: ["checkout"], actor: "test" })).key;
  keys.read = (await createApiKey({ name: `cat-read-${MARK}`, scopes: ["metrics:read"], actor: "test" })).key;
  keys.alerts = (await createApiKey({ name: `cat-alerts-${MARK}`, scopes: ["alerts:write"], actor: "test" })).key;
  // A real HTTP listener in front of the export route, for the CLI.
  server = http.createServer(async (req, res) => {
    const r = await (exportGET as Handler)(new NextRequest(`http://localhost${req.url}`, { headers: req.headers as Record<string, string> }), noParams);
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "opsdeck-catalog-"));
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  // The searches this file ran (their hourly rollups stay: they are aggregates, not rows we own).
  await pool().query(`DELETE FROM catalog_searches WHERE session_hash = ANY($1)`, [[sessionHash(`anon-${MARK}`), sessionHash("user:00000000-0000-4000-8000-00000000c47a")]]);
});

describe("search and click", () => {
  it("the storefront's checkout key searches, gets a search id and records a click", async () => {
    const res = await get(searchGET as Handler, `/api/v1/catalog/search?q=tshrit&per_page=5&session_id=anon-${MARK}`, keys.checkout);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ query: "tshrit", corrected_query: "tshirt", page: 1, per_page: 5 });
    expect(body.results).toHaveLength(5);
    const c = await click({ search_id: body.search_id, position: 2, sku: body.results[1].sku });
    expect(c.status).toBe(201);
    expect(await c.json()).toEqual({ search_id: body.search_id, position: 2, clicks: 1 });
  });

  it("a signed-in viewer may search; a key without the checkout scope may not", async () => {
    as("viewer");
    expect((await get(searchGET as Handler, "/api/v1/catalog/search?q=hoodie")).status).toBe(200);
    as(null);
    expect((await get(searchGET as Handler, "/api/v1/catalog/search?q=hoodie")).status).toBe(401);
    expect((await get(searchGET as Handler, "/api/v1/catalog/search?q=hoodie", keys.alerts)).status).toBe(403);
  });
});

describe("insights and observability access", () => {
  it("merchandisers and admins read insights; viewers and operators get 403", async () => {
    for (const [role, status] of [["merchandiser", 200], ["admin", 200], ["viewer", 403], ["operator", 403]] as const) {
      as(role);
      const res = await get(insightsGET as Handler, "/api/v1/catalog/insights?window=24h");
      expect(res.status, role).toBe(status);
    }
    as(null);
  });

  it("the seed's checkout key and a metrics:read key read insights and observability", async () => {
    for (const key of [keys.checkout, keys.read]) {
      const res = await get(insightsGET as Handler, "/api/v1/catalog/insights?window=7d&limit=5", key);
      expect(res.status).toBe(200);
      const d = await res.json();
      expect(d.top_queries.length).toBeLessThanOrEqual(5);
      expect((await get(observabilityGET as Handler, "/api/v1/catalog/observability", key)).status).toBe(200);
    }
    expect((await get(insightsGET as Handler, "/api/v1/catalog/insights", keys.alerts)).status).toBe(403);
  });

  it("observability honours ?min_sample_size and stays under 1 KB", async () => {
    const small = await (await get(observabilityGET as Handler, "/api/v1/catalog/observability?min_sample_size=1", keys.read)).json();
    expect(small.zero_results.min_sample_size).toBe(1);
    expect(small.zero_results.searches).toBeGreaterThan(0);
    expect(small.zero_results.enough_samples).toBe(true);
    expect(typeof small.zero_results.rate).toBe("number");
    const res = await get(observabilityGET as Handler, "/api/v1/catalog/observability?min_sample_size=1000000", keys.read);
    const huge = await res.json();
    expect(huge.zero_results).toMatchObject({ rate: null, enough_samples: false, min_sample_size: 1_000_000 });
    expect(Number(res.headers.get("content-length") ?? JSON.stringify(huge).length)).toBeLessThan(1024);
  });
});

describe("bad input to every catalog route is a structured 4xx", () => {
  const cases: [string, () => Promise<Response>, number, RegExp][] = [
    ["search without q", () => get(searchGET as Handler, "/api/v1/catalog/search", keys.checkout), 400, /"q"|q/],
    ["search with blank q", () => get(searchGET as Handler, "/api/v1/catalog/search?q=%20%20", keys.checkout), 400, /q/],
    ["search with only control characters", () => get(searchGET as Handler, "/api/v1/catalog/search?q=%00%01", keys.checkout), 400, /NUL character/],
    ["search with only other control characters", () => get(searchGET as Handler, "/api/v1/catalog/search?q=%01%02", keys.checkout), 400, /empty/],
    ["search with a 600-character q", () => get(searchGET as Handler, `/api/v1/catalog/search?q=${"a".repeat(600)}`, keys.checkout), 400, /500/],
    ["search with page 0", () => get(searchGET as Handler, "/api/v1/catalog/search?q=mug&page=0", keys.checkout), 400, /page/],
    ["search with per_page=abc", () => get(searchGET as Handler, "/api/v1/catalog/search?q=mug&per_page=abc", keys.checkout), 400, /per_page/],
    ["search with a bad session_id", () => get(searchGET as Handler, "/api/v1/catalog/search?q=mug&session_id=a%20b", keys.checkout), 400, /session_id/],
    ["search with an unknown parameter", () => get(searchGET as Handler, "/api/v1/catalog/search?q=mug&sort=price", keys.checkout), 400, /sort/],
    ["click with a non-JSON body", () => click("search_id=1"), 400, /JSON/],
    ["click as form data", () => click("{}", keys.checkout, "text/plain"), 415, /application\/json/],
    ["click with an empty body", () => click(""), 400, /empty/],
    ["click without a position", () => click({ search_id: "1" }), 422, /position/],
    ["click with position 0", () => click({ search_id: "1", position: 0 }), 422, /position/],
    ["click with a non-numeric search id", () => click({ search_id: "abc", position: 1 }), 422, /search_id/],
    ["click on an unknown search", () => click({ search_id: "999999999999", position: 1 }), 404, /Search 999999999999/],
    ["click with an oversized body", () => click({ search_id: "1", position: 1, sku: "x".repeat(5000) }), 413, /limit/],
    ["click without credentials", () => click({ search_id: "1", position: 1 }, null), 401, /Authentication required/],
    ["insights with an unknown window", () => get(insightsGET as Handler, "/api/v1/catalog/insights?window=1y", keys.read), 400, /window/],
    ["insights with limit 0", () => get(insightsGET as Handler, "/api/v1/catalog/insights?limit=0", keys.read), 400, /limit/],
    ["export as pdf", () => get(exportGET as Handler, "/api/v1/catalog/insights/export?format=pdf", keys.read), 400, /format/],
    ["observability with min_sample_size=0", () => get(observabilityGET as Handler, "/api/v1/catalog/observability?min_sample_size=0", keys.read), 400, /min_sample_size/],
    ["observability with min_sample_size=ten", () => get(observabilityGET as Handler, "/api/v1/catalog/observability?min_sample_size=ten", keys.read), 400, /min_sample_size/],
  ];
  it.each(cases)("%s", async (_name, call, status, message) => {
    const res = await call();
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toMatch(/^[a-z_]+$/);
    expect(body.error.message).toMatch(message);
  });

  it("a refused click wrote nothing", async () => {
    const { rows: [{ n }] } = await pool().query(`SELECT count(*)::int AS n FROM catalog_search_clicks WHERE search_id = 999999999999`);
    expect(n).toBe(0);
  });
});

describe("exports in all three formats", () => {
  it("downloads from the console route with a file name", async () => {
    as("merchandiser");
    const res = await get(exportGET as Handler, "/api/v1/catalog/insights/export?format=csv&window=30d");
    as(null);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="catalog-insights-30d-\d{4}-\d{2}-\d{2}\.csv"$/);
  });

  it("opsdeck export catalog-insights writes md, csv and json with the seed's flags", async () => {
    const md = await exportCatalogInsights({ baseUrl: base, apiKey: keys.checkout, format: "md", output: path.join(tmp, "catalog-insights.md") });
    expect(md.written).toBe(path.join(tmp, "catalog-insights.md"));
    const text = fs.readFileSync(md.written!, "utf8");
    expect(text).toMatch(/^# Catalog search insights — last 7 days\n/);
    for (const h of ["## Summary", "## Trending queries", "## Zero-result queries", "## Top queries", "## Searches without clicks"]) expect(text).toContain(h);

    const csv = await exportCatalogInsights({ baseUrl: base, apiKey: keys.read, format: "csv", window: "24h", output: path.join(tmp, "x.csv") });
    const lines = csv.content.trimEnd().split("\r\n");
    expect(lines[0]).toBe("section,query,searches,zero_result_searches,clicked_searches,clicks,ctr,avg_click_position,searches_without_clicks,previous_searches,rise,last_seen");
    expect(lines.length).toBeGreaterThan(1);

    const json = await exportCatalogInsights({ baseUrl: base, apiKey: keys.checkout, format: "json", window: "30d" });
    expect(json.written).toBeUndefined();
    expect(JSON.parse(json.content)).toMatchObject({ window: "30d", totals: { searches: expect.any(Number) } });
  });

  it("names the problem and writes nothing on a refused key or a bad flag", async () => {
    const out = path.join(tmp, "refused.md");
    const refused = await exportCatalogInsights({ baseUrl: base, apiKey: keys.alerts, format: "md", output: out }).catch((e) => e);
    expect(refused).toBeInstanceOf(CatalogExportError);
    expect(refused.message).toMatch(/HTTP 403: .*scope/);
    expect(fs.existsSync(out)).toBe(false);
    await expect(exportCatalogInsights({ baseUrl: base, apiKey: keys.read, format: "pdf" })).rejects.toThrow(/--format must be one of md, csv, json/);
    await expect(exportCatalogInsights({ baseUrl: "not a url", apiKey: keys.read, format: "md" })).rejects.toThrow(/--base-url/);
    await expect(exportCatalogInsights({ baseUrl: "http://127.0.0.1:9", apiKey: keys.read, format: "md", timeoutMs: 2000 })).rejects.toThrow(/Could not reach/);
  });
});
