// Anti-cardinality: however many distinct URLs are requested, the HTTP metrics' label values stay
// in small, known sets (route templates, methods, status codes) and the series count stays bounded.
import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { registry } from "./metrics";
import { GET as notFound } from "@/app/api/[...path]/route";
import { GET as healthz } from "@/app/api/healthz/route";
import { GET as metricsRoute } from "@/app/metrics/route";

const noParams = { params: Promise.resolve({}) };

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
