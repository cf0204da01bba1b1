// Telemetry cost, in one run:
//  1. Request overhead on a cheap JSON route (no database work): the bare handler vs the same
//     handler inside the request telemetry wrapper with events and tracing off, events on, and
//     events + tracing on (a Node tracer provider with the slow-trace sampler, as in production).
//     Rounds interleave the configurations so machine load hits them alike; p50/p99 per config.
//  2. The events write path: events emitted into the buffer and written by the batch writer
//     (multi-row INSERT … SELECT unnest), events per second from first emit to last row committed.
// Run: npm run bench:telemetry   (env: BENCH_DATABASE_URL, BENCH_REQUESTS, BENCH_ROUNDS, BENCH_EVENTS)
import { NextRequest, NextResponse } from "next/server";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { benchUrl, ensureOpsdeckDatabase, intEnv, machine, printJson, printTable, round, summarize } from "./lib/common";

const REQUESTS = intEnv("BENCH_REQUESTS", 20_000);
const ROUNDS = intEnv("BENCH_ROUNDS", 5);
const EVENTS = intEnv("BENCH_EVENTS", 200_000);

async function main() {
  const url = benchUrl();
  await ensureOpsdeckDatabase(url);
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL = "silent";
  process.env.TELEMETRY_EVENT_BUFFER = String(EVENTS + 1);
  const { pool } = await import("@/lib/platform/db");
  const { withRequestTelemetry, flushTelemetry, emitEvent, resetTelemetrySettings, stopTelemetryWriter } = await import("@/lib/platform/telemetry");
  const { setTracingEnabled } = await import("@/lib/platform/telemetry/tracing");
  const { SlowTraceSampler } = await import("@/lib/platform/telemetry/slow-traces");
  pool();
  const provider = new NodeTracerProvider({ spanProcessors: [new SlowTraceSampler()] });
  provider.register();

  const bare = async () => NextResponse.json({ ok: true, at: Date.now() });
  const wrapped = withRequestTelemetry("/bench/cheap", bare);
  const configs: { name: string; events: boolean; tracing: boolean; handler: typeof wrapped }[] = [
    { name: "bare handler", events: false, tracing: false, handler: bare },
    { name: "telemetry off", events: false, tracing: false, handler: wrapped },
    { name: "events on", events: true, tracing: false, handler: wrapped },
    { name: "events + tracing on", events: true, tracing: true, handler: wrapped },
  ];
  const samples = new Map(configs.map((c) => [c.name, [] as number[]]));
  const ctx = { params: Promise.resolve({}) };
  const run = async (c: (typeof configs)[number], n: number, keep: boolean) => {
    process.env.TELEMETRY_EVENTS_ENABLED = String(c.events);
    resetTelemetrySettings();
    setTracingEnabled(c.tracing);
    const out = samples.get(c.name)!;
    for (let i = 0; i < n; i++) {
      const req = new NextRequest("http://bench.local/bench/cheap");
      const t0 = performance.now();
      const res = await c.handler(req, ctx);
      const t1 = performance.now();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      if (keep) out.push((t1 - t0) * 1000);
    }
  };
  for (const c of configs) await run(c, 2_000, false); // warm-up (JIT)
  for (let r = 0; r < ROUNDS; r++) for (const c of configs) await run(c, Math.ceil(REQUESTS / ROUNDS), true);
  setTracingEnabled(false);
  await flushTelemetry();

  const base = summarize(samples.get("bare handler")!);
  const rows = configs.map((c) => {
    const s = summarize(samples.get(c.name)!);
    return { config: c.name, requests: s.n, "p50 µs": round(s.p50), "p99 µs": round(s.p99), "added p50 µs": round(s.p50 - base.p50), "added p99 µs": round(s.p99 - base.p99) };
  });
  console.log(`\nRequest overhead on a cheap JSON route (${REQUESTS} requests per config, ${ROUNDS} interleaved rounds)`);
  printTable(rows);

  // 2. Events write path.
  process.env.TELEMETRY_EVENTS_ENABLED = "true";
  resetTelemetrySettings();
  await pool().query("truncate telemetry_events");
  const t0 = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    emitEvent({ name: "bench.event", severity: i % 10 === 0 ? "warning" : "info", route: "/bench/cheap", requestId: `req-${i}`, durationMs: i % 1000, tags: { i, kind: "bench" } });
  }
  const emitted = performance.now();
  await stopTelemetryWriter();
  const written = performance.now();
  const { rows: counted } = await pool().query<{ n: number }>("select count(*)::int as n from telemetry_events where name = 'bench.event'");
  const writeRows = [
    { events: EVENTS, "rows written": counted[0].n, "emit ms": round(emitted - t0), "write ms": round(written - emitted), "events/s end to end": Math.round(EVENTS / ((written - t0) / 1000)) },
  ];
  console.log("\nEvents write path (emit into the buffer, batch INSERT … unnest, 5,000 rows per statement)");
  printTable(writeRows);
  await pool().query("truncate telemetry_events");
  printJson("telemetry", { machine: await machine(url), overhead: rows, write: writeRows });
  await provider.shutdown();
  await pool().end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
