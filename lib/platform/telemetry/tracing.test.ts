// Tracing on: a request gets a trace id that its events carry, and a slow trace lands in the
// in-database sample with its route span and children; a fast one does not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { randomUUID } from "node:crypto";
import { trace } from "@opentelemetry/api";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { route } from "../http/route";
import { pool } from "../db";
import { flushTelemetry, resetTelemetrySettings, traceTask } from ".";
import { SlowTraceSampler } from "./slow-traces";
import { setTracingEnabled } from "./tracing";
import { traceWaterfall } from "./trace-queries";

let provider: NodeTracerProvider;
const saved = process.env.SLOW_REQUEST_WARNING_MS;

beforeAll(() => {
  process.env.SLOW_REQUEST_WARNING_MS = "50";
  resetTelemetrySettings();
  provider = new NodeTracerProvider({ spanProcessors: [new SlowTraceSampler()] });
  provider.register();
  setTracingEnabled(true);
  pool();
});

afterAll(async () => {
  setTracingEnabled(false);
  await provider.shutdown();
  trace.disable();
  if (saved === undefined) delete process.env.SLOW_REQUEST_WARNING_MS;
  else process.env.SLOW_REQUEST_WARNING_MS = saved;
  resetTelemetrySettings();
});

const handler = route({ route: "/test/tracing/[ms]", policy: { public: true, reason: "test" } }, async ({ req }) => {
  const wait = Number(new URL(req.url).searchParams.get("ms"));
  await pool().query("select pg_sleep($1)", [wait / 1000]);
  await traceTask("test", "inner", async () => undefined);
  return { ok: true };
});

async function events(requestId: string) {
  await flushTelemetry();
  const { rows } = await pool().query(`select name, trace_id from telemetry_events where request_id = $1`, [requestId]);
  return rows as { name: string; trace_id: string | null }[];
}

describe("tracing", () => {
  it("keeps a slow request's trace as a waterfall whose id its slow-request event carries", async () => {
    const requestId = randomUUID();
    await handler(new NextRequest("http://x/t?ms=80", { headers: { "x-request-id": requestId } }), { params: Promise.resolve({}) });
    const [slow] = (await events(requestId)).filter((e) => e.name === "http.request.slow");
    expect(slow.trace_id).toMatch(/^[0-9a-f]{32}$/);
    const waterfall = await traceWaterfall(slow.trace_id!);
    expect(waterfall!.spans.map((s) => [s.name, s.depth])).toEqual([
      ["GET /test/tracing/[ms]", 0],
      ["task test.inner", 1],
    ]);
    expect(waterfall!.spans[0].durationMs).toBeGreaterThanOrEqual(50);
  });

  it("forgets a fast request's trace", async () => {
    const requestId = randomUUID();
    const res = await handler(new NextRequest("http://x/t?ms=0", { headers: { "x-request-id": requestId } }), { params: Promise.resolve({}) });
    expect(res.status).toBe(200);
    await flushTelemetry();
    const { rows } = await pool().query(`select count(*)::int as n from telemetry_spans where attributes->>'http.route' = '/test/tracing/[ms]'`);
    expect(rows[0].n).toBe(1); // only the slow one from the previous test
  });
});
