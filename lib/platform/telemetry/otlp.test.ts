// OTLP export: with OTEL_EXPORTER_OTLP_ENDPOINT set, startTracing() ships spans to a collector over
// OTLP/HTTP. A local stub collector on 127.0.0.1 receives them; a request through the route wrapper
// must arrive as a span named for its route template, with the service name.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { route } from "../http/route";
import { startTracing, stopTracing } from "./otel";
import { setTracingEnabled } from "./tracing";

const received: { path: string; contentType: string; body: Buffer }[] = [];
let collector: http.Server;

beforeAll(async () => {
  collector = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", contentType: String(req.headers["content-type"]), body: Buffer.concat(chunks) });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  process.env.OTEL_SERVICE_NAME = "opsdeck-otlp-test";
  await startTracing();
});

afterAll(async () => {
  setTracingEnabled(false);
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete process.env.OTEL_SERVICE_NAME;
  collector.close();
});

describe("OTLP export", () => {
  it("sends the spans of a request to the configured collector", async () => {
    const handler = route({ route: "/test/otlp-export", policy: { public: true, reason: "test" } }, async () => ({ ok: true }));
    const res = await handler(new NextRequest("http://localhost/test/otlp-export"), { params: Promise.resolve({}) });
    expect(res.status).toBe(200);
    await stopTracing(); // flushes the batch processor
    const traces = received.filter((r) => r.path === "/v1/traces");
    expect(traces.length).toBeGreaterThan(0);
    const payload = Buffer.concat(traces.map((t) => t.body)).toString("latin1");
    expect(payload).toContain("/test/otlp-export");
    expect(payload).toContain("opsdeck-otlp-test");
  });
});
