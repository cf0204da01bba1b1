import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { randomUUID } from "node:crypto";
import { route } from "../http/route";
import { db, pool } from "../db";
import { registry } from "../metrics";
import { emitEvent, flushTelemetry, resetTelemetrySettings, traceTask } from ".";
import { eventBuffer } from "./events";
import { stopTelemetryWriter, startTelemetryWriter } from "./writer";
import { cachedStatus } from "@/lib/slo/status";
import { loadSlos } from "@/lib/slo/definitions";

const noParams = { params: Promise.resolve({}) };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const saved = { ...process.env };

function setEnv(vars: Record<string, string>) {
  Object.assign(process.env, vars);
  resetTelemetrySettings();
}

afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  resetTelemetrySettings();
});

beforeAll(() => {
  pool(); // starts the writer on the test database
});

afterAll(async () => {
  await stopTelemetryWriter();
});

async function eventsFor(requestId: string) {
  await flushTelemetry();
  const { rows } = await pool().query(`select name, severity, route, tags, duration_ms, detail, request_id from telemetry_events where request_id = $1 order by id`, [requestId]);
  return rows as { name: string; severity: string; route: string; tags: Record<string, unknown>; duration_ms: number; detail: string | null }[];
}

async function call(handler: ReturnType<typeof route>, requestId = randomUUID()) {
  const res = await handler(new NextRequest("http://x/t", { headers: { "x-request-id": requestId } }), noParams);
  return { res, requestId };
}

async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const base = name.replace(/_(count|sum|bucket)$/, "");
  const m = ((await registry.getSingleMetric(base)?.get())?.values ?? []).filter((v) => ((v as { metricName?: string }).metricName ?? base) === name);
  return m.filter((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val)).reduce((a, v) => a + v.value, 0);
}

const sleeper = route({ route: "/test/telemetry/sleep/[ms]", policy: { public: true, reason: "test" } }, async ({ req }) => {
  await sleep(Number(new URL(req.url).searchParams.get("ms") ?? 0));
  return { ok: true };
});

describe("http.request.slow", () => {
  it("is emitted only for requests slower than SLOW_REQUEST_WARNING_MS, with the route template", async () => {
    setEnv({ SLOW_REQUEST_WARNING_MS: "80" });
    const fast = randomUUID();
    const slow = randomUUID();
    await sleeper(new NextRequest("http://x/t?ms=0", { headers: { "x-request-id": fast } }), noParams);
    const res = await sleeper(new NextRequest("http://x/t?ms=120", { headers: { "x-request-id": slow } }), noParams);
    expect(res.headers.get("x-request-id")).toBe(slow);
    expect(await eventsFor(fast)).toEqual([]);
    const [event] = await eventsFor(slow);
    expect(event).toMatchObject({ name: "http.request.slow", severity: "warning", route: "/test/telemetry/sleep/[ms]" });
    expect(event.duration_ms).toBeGreaterThanOrEqual(80);
    expect(event.tags).toMatchObject({ method: "GET", status: 200, threshold_ms: 80 });
  });

  it("defaults to 1500 ms", async () => {
    const { requestId } = await call(route({ route: "/test/telemetry/medium", policy: { public: true, reason: "test" } }, async () => (await sleep(200), {})));
    expect(await eventsFor(requestId)).toEqual([]);
  });
});

describe("database.slow_query", () => {
  const querying = route({ route: "/test/telemetry/query", policy: { public: true, reason: "test" } }, async ({ req }) => {
    const secs = Number(new URL(req.url).searchParams.get("s"));
    await pool().query(`select pg_sleep($1), $2::text as email, 42 as n`, [secs, "alice@example.com"]);
    return { ok: true };
  });

  it("reports queries over SLOW_QUERY_THRESHOLD_MS with the normalised SQL and never the parameters", async () => {
    setEnv({ SLOW_QUERY_THRESHOLD_MS: "100" });
    const fast = randomUUID();
    const slow = randomUUID();
    await querying(new NextRequest("http://x/t?s=0", { headers: { "x-request-id": fast } }), noParams);
    await querying(new NextRequest("http://x/t?s=0.15", { headers: { "x-request-id": slow } }), noParams);
    expect((await eventsFor(fast)).filter((e) => e.name === "database.slow_query")).toEqual([]);
    const events = (await eventsFor(slow)).filter((e) => e.name === "database.slow_query");
    expect(events).toHaveLength(1);
    expect(events[0].detail).toBe("select pg_sleep(?), ?::text as email, ? as n");
    expect(events[0].route).toBe("/test/telemetry/query");
    expect(events[0].duration_ms).toBeGreaterThanOrEqual(100);
    expect(JSON.stringify(events[0])).not.toContain("alice");
  });
});

describe("database.query_budget_exceeded and X-Query-Count", () => {
  const nQueries = route({ route: "/test/telemetry/n-queries", policy: { public: true, reason: "test" } }, async ({ req }) => {
    const n = Number(new URL(req.url).searchParams.get("n"));
    // Prisma runs over the same pool: its queries count too.
    await db().user.count();
    for (let i = 1; i < n; i++) await pool().query("select 1");
    return { ok: true };
  });

  it("counts every query of the request (ours and Prisma's) and reports only over MAX_QUERIES_PER_REQUEST", async () => {
    setEnv({ MAX_QUERIES_PER_REQUEST: "3", QUERY_COUNT_HEADER: "true" });
    const before = await metricValue("db_query_budget_exceeded_total", { route: "/test/telemetry/n-queries" });
    const within = randomUUID();
    const over = randomUUID();
    const a = await nQueries(new NextRequest("http://x/t?n=3", { headers: { "x-request-id": within } }), noParams);
    const b = await nQueries(new NextRequest("http://x/t?n=4", { headers: { "x-request-id": over } }), noParams);
    expect(a.headers.get("x-query-count")).toBe("3");
    expect(b.headers.get("x-query-count")).toBe("4");
    expect(await eventsFor(within)).toEqual([]);
    const [event] = await eventsFor(over);
    expect(event).toMatchObject({ name: "database.query_budget_exceeded", severity: "warning", route: "/test/telemetry/n-queries" });
    expect(event.tags).toMatchObject({ queries: 4, budget: 3 });
    expect(await metricValue("db_query_budget_exceeded_total", { route: "/test/telemetry/n-queries" })).toBe(before + 1);
  });

  it("sends no X-Query-Count header unless QUERY_COUNT_HEADER is on", async () => {
    const res = await nQueries(new NextRequest("http://x/t?n=1"), noParams);
    expect(res.headers.get("x-query-count")).toBeNull();
  });
});

describe("task events", () => {
  it("records started and completed with the runtime, and failed with the error", async () => {
    const task = `t_${randomUUID().slice(0, 8)}`;
    await traceTask("test", task, async () => sleep(20));
    await expect(traceTask("test", task, async () => Promise.reject(new TypeError("provider said no")))).rejects.toThrow("provider said no");
    await flushTelemetry();
    const { rows } = await pool().query(`select name, severity, duration_ms, detail from telemetry_events where tags->>'task' = $1 order by id`, [task]);
    expect(rows.map((r) => r.name)).toEqual(["task.started", "task.completed", "task.started", "task.failed"]);
    expect(rows[1].duration_ms).toBeGreaterThanOrEqual(15);
    expect(rows[3]).toMatchObject({ severity: "warning", detail: "TypeError: provider said no" });
    expect(await metricValue("task_runtime_seconds_count", { runtime: "test", task, outcome: "completed" })).toBe(1);
  });
});

describe("cache.roundtrip", () => {
  it("records a miss, then a hit, for the SLO status cache", async () => {
    const slo = loadSlos()[0];
    const since = new Date();
    const now = new Date(Date.now() + 3_600_000 * 24 * 365); // a time no other test asked for
    await cachedStatus(pool(), slo, now);
    await cachedStatus(pool(), slo, now);
    await flushTelemetry();
    const { rows } = await pool().query(`select tags->>'result' as result from telemetry_events where name = 'cache.roundtrip' and tags->>'cache' = 'slo_status' and at >= $1 order by id`, [since]);
    expect(rows.map((r) => r.result).slice(-2)).toEqual(["miss", "hit"]);
  });
});

describe("the event buffer", () => {
  it("is bounded: events beyond TELEMETRY_EVENT_BUFFER are dropped and counted, the rest written", async () => {
    await stopTelemetryWriter(); // no timer flush during the test
    setEnv({ TELEMETRY_EVENT_BUFFER: "10" });
    const dropped = await metricValue("telemetry_events_dropped_total");
    const marker = randomUUID();
    for (let i = 0; i < 15; i++) emitEvent({ name: "test.buffer", tags: { i }, requestId: marker });
    expect(eventBuffer.items.length).toBe(10);
    expect(await metricValue("telemetry_events_dropped_total")).toBe(dropped + 5);
    startTelemetryWriter(pool);
    await flushTelemetry();
    const { rows } = await pool().query(`select (tags->>'i')::int as i from telemetry_events where request_id = $1 order by id`, [marker]);
    expect(rows.map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("keeps events when a write fails and writes them on the next flush", async () => {
    const marker = randomUUID();
    emitEvent({ name: "test.retry", requestId: marker, tags: { kind: "bad" }, durationMs: Number.NaN });
    // A closed pool makes the write fail; the events stay buffered.
    const { insertEvents } = await import("./writer");
    const broken = new (await import("pg")).default.Pool({ connectionString: "postgresql://nobody:x@127.0.0.1:1/none", connectionTimeoutMillis: 200 });
    await expect(insertEvents(broken, eventBuffer.items)).rejects.toThrow();
    await broken.end();
    await flushTelemetry();
    const { rows } = await pool().query(`select name from telemetry_events where request_id = $1`, [marker]);
    expect(rows).toEqual([{ name: "test.retry" }]);
  });

  it("rejects names that are not dotted lowercase words", () => {
    expect(() => emitEvent({ name: "Bad Name" })).toThrow(/dotted lowercase/);
  });
});

describe("request statistics", () => {
  it("adds each request to its minute row with a latency bucket", async () => {
    const r = route({ route: `/test/telemetry/stats/${randomUUID().slice(0, 6)}`, policy: { public: true, reason: "test" } }, async () => ({}));
    await call(r);
    await call(r);
    await flushTelemetry();
    await call(r);
    await flushTelemetry();
    const { rows } = await pool().query(`select sum(requests)::int as n, sum((select sum(b) from unnest(buckets) b))::int as in_buckets from http_request_minutes where route = $1`, [r.route]);
    expect(rows[0]).toEqual({ n: 3, in_buckets: 3 });
  });
});

describe("retention", () => {
  it("deletes events and request statistics older than their retention and keeps newer ones", async () => {
    setEnv({ TELEMETRY_EVENTS_RETENTION_HOURS: "1", TELEMETRY_REQUEST_STATS_RETENTION_DAYS: "1" });
    const marker = randomUUID();
    const now = new Date();
    emitEvent({ name: "test.retention", requestId: marker, at: new Date(now.getTime() - 2 * 3_600_000), tags: { age: "old" } });
    emitEvent({ name: "test.retention", requestId: marker, at: new Date(now.getTime() - 30 * 60_000), tags: { age: "new" } });
    await flushTelemetry();
    const route = `/test/retention/${marker.slice(0, 6)}`;
    await pool().query(
      `insert into http_request_minutes (minute, route, method, status, requests, duration_sum_ms, max_ms, buckets)
       values (now() - interval '2 days', $1, 'GET', 200, 1, 1, 1, '{1,0,0,0,0,0,0,0,0,0,0,0}'), (date_trunc('minute', now()), $1, 'GET', 200, 1, 1, 1, '{1,0,0,0,0,0,0,0,0,0,0,0}')`,
      [route],
    );
    const { pruneTelemetry } = await import("./retention");
    const pruned = await pruneTelemetry(pool(), now);
    expect(pruned.events).toBeGreaterThanOrEqual(1);
    const { rows } = await pool().query(`select tags->>'age' as age from telemetry_events where request_id = $1`, [marker]);
    expect(rows).toEqual([{ age: "new" }]);
    const stats = await pool().query(`select count(*)::int as n from http_request_minutes where route = $1`, [route]);
    expect(stats.rows[0].n).toBe(1);
  });
});

describe("reading events back", () => {
  it("lists newest first by id, pages with before, tails with after", async () => {
    const { listEvents } = await import("./event-queries");
    const marker = randomUUID();
    for (let i = 0; i < 7; i++) emitEvent({ name: "test.listing", requestId: marker, tags: { i } });
    await flushTelemetry();
    const first = await listEvents({ requestId: marker, limit: 5 });
    expect(first.events.map((e) => e.tags.i)).toEqual([6, 5, 4, 3, 2]);
    const ids = first.events.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a < b ? 1 : -1))).toEqual(ids);
    const second = await listEvents({ requestId: marker, limit: 5, before: BigInt(first.nextBefore!) });
    expect(second.events.map((e) => e.tags.i)).toEqual([1, 0]);
    expect(second.nextBefore).toBeNull();
    emitEvent({ name: "test.listing", requestId: marker, tags: { i: 7 } });
    await flushTelemetry();
    const tail = await listEvents({ requestId: marker, limit: 5, after: BigInt(first.events[0].id) });
    expect(tail.events.map((e) => e.tags.i)).toEqual([7]);
  });
});
