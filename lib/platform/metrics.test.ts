// Anti-cardinality: however many distinct URLs are requested, the HTTP metrics' label values stay
// in small, known sets (route templates, methods, status codes) and the series count stays bounded.
// And the scrape endpoints: who may read them, and that the text passes `promtool check metrics`.
import { spawnSync } from "node:child_process";
import { describe, expect, it, vi } from "vitest";
import { createApiKey } from "./auth/api-keys";
import { NextRequest } from "next/server";
import { registry } from "./metrics";
import { GET as notFound } from "@/app/api/[...path]/route";
import { GET as healthz } from "@/app/api/healthz/route";
import { GET as metricsRoute } from "@/app/metrics/route";
import { GET as observabilityPrometheus } from "@/app/api/v1/observability/prometheus/route";

const noParams = { params: Promise.resolve({}) };
// No browser session in these calls (next-auth's session lookup needs a Next request scope).
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => null }));

describe("metrics cardinality", () => {
  it("labels stay bounded across 600 distinct URLs", async () => {
    for (let i = 0; i < 300; i++) {
      await notFound(new NextRequest(`http://x/api/v1/orders/${crypto.randomUUID()}?email=user${i}@example.com`), noParams);
      await healthz(new NextRequest(`http://x/api/healthz?probe=${i}`), noParams);
    }
    for (let i = 0; i < 20; i++) await metricsRoute(new NextRequest(`http://x/metrics?x=${i}`), noParams);

    const metrics = await registry.getMetricsAsJSON();
    const requests = metrics.find((m) => m.name === "http_requests_total")!;
    const values = requests.values as { labels: Record<string, string> }[];
    const routes = new Set(values.map((v) => v.labels.route));
    for (const r of routes) expect(r).toMatch(/^\/[A-Za-z0-9/_\-[\].]*$/);
    expect([...routes]).toEqual(expect.arrayContaining(["/api/[...path]", "/api/healthz", "/metrics"]));
    for (const v of values) {
      expect(["GET", "POST", "PUT", "PATCH", "DELETE"]).toContain(v.labels.method);
      expect(v.labels.status).toMatch(/^[1-5]\d\d$/);
      expect(JSON.stringify(v.labels)).not.toMatch(/@|[0-9a-f]{8}-[0-9a-f]{4}/);
    }
    // One series per (template, method, status): far below the 620 URLs requested.
    expect(values.length).toBeLessThanOrEqual(routes.size * 5 * 6);
    expect(values.length).toBeLessThan(30);

    const exposition = await registry.metrics();
    expect(exposition).toContain('http_requests_total{route="/api/[...path]",method="GET",status="404"} 300');
    expect(exposition).toMatch(/# TYPE http_request_duration_seconds histogram/);
  });
});

describe("scrape endpoints", () => {
  it("answer 401 without a key, 403 to a key of another scope, and valid exposition text to metrics:read or checkout", async () => {
    const reader = (await createApiKey({ name: `scrape-${Date.now()}`, scopes: ["metrics:read"], actor: "test" })).key;
    const checkout = (await createApiKey({ name: `checkout-${Date.now()}`, scopes: ["checkout"], actor: "test" })).key;
    const other = (await createApiKey({ name: `alerts-${Date.now()}`, scopes: ["alerts:write"], actor: "test" })).key;
    for (const [route, path] of [[metricsRoute, "/metrics"], [observabilityPrometheus, "/api/v1/observability/prometheus"]] as const) {
      const call = (key: string | null) => route(new NextRequest(`http://x${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }), noParams);
      const anonymous = await call(null);
      expect(anonymous.status).toBe(401);
      expect((await anonymous.json()).error.code).toBe("unauthenticated");
      const wrongScope = await call(other);
      expect(wrongScope.status).toBe(403);
      expect((await wrongScope.json()).error.message).toMatch(/"metrics:read" or "checkout"/);
      // The seed's deployments scrape with the checkout key (a database key, or CHECKOUT_API_KEY).
      expect((await call(checkout)).status).toBe(200);
      process.env.CHECKOUT_API_KEY = "env-checkout-key-0123456789abcdef";
      try {
        expect((await call("env-checkout-key-0123456789abcdef")).status).toBe(200);
        expect((await call("env-checkout-key-0123456789abcdeX")).status).toBe(401);
      } finally {
        delete process.env.CHECKOUT_API_KEY;
      }

      const ok = await call(reader);
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await ok.text();
      expect(text).toContain("# TYPE http_requests_total counter");
      // promtool (Debian package "prometheus", installed by .ci/run) parses the exposition (exit 1 on
      // a format error) and lints names (exit 3). The only lint findings allowed are prom-client's own
      // default gauges named nodejs_active_*_total; every Opsdeck metric must pass.
      const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
      expect(check.error).toBeUndefined();
      const findings = `${check.stdout}${check.stderr}`.split("\n").filter(Boolean);
      expect(findings.filter((line) => !/^nodejs_active_\w+_total non-counter metrics should not have "_total" suffix$/.test(line))).toEqual([]);
      expect([0, 3]).toContain(check.status);
    }
  });
});
