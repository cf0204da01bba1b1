// The server side of `opsdeck verify` (seed 002's verify_observability): one request that proves
// the plumbing works — a database round trip, a cache round trip, a test task through each worker
// runtime, an event written and read back, the Prometheus exposition parsed. Runs inside the
// request's work context, so its event carries the caller's request id (and trace id): the CLI
// reads it back through the events API to prove one request was traced end to end.
import { pool } from "../db";
import { registry } from "../metrics";
import { pendingMigrations } from "../migrations";
import { currentWork } from "./context";
import { emitEvent } from "./events";
import { flushTelemetry } from "./writer";
import { parseExposition } from "./exposition";
import { keepCurrentTrace } from "./tracing";

/** A domain's worker runtime test: run one harmless task to completion (lib/domains.ts testTasks). */
export interface TestTask {
  runtime: string;
  run(marker: string): Promise<{ ok: boolean; detail: string }>;
}

export interface CheckOutcome {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

export interface ProbeResult {
  requestId: string | null;
  traceId: string | null;
  checks: CheckOutcome[];
  counts: { events: number; metricFamilies: number; samples: number; spans: number | null };
}

/** A cache to round-trip: the app's own cache lookup, answering whether the second call was a hit. */
export interface CacheProbe {
  name: string;
  roundTrip(): Promise<{ hit: boolean }>;
}

export async function timedCheck(name: string, fn: () => Promise<string>): Promise<CheckOutcome> {
  const t0 = performance.now();
  try {
    const detail = await fn();
    return { name, ok: true, ms: Math.round(performance.now() - t0), detail };
  } catch (err) {
    return { name, ok: false, ms: Math.round(performance.now() - t0), detail: (err as Error).message };
  }
}

export async function runProbe(opts: { testTasks: TestTask[]; cache: CacheProbe }): Promise<ProbeResult> {
  const work = currentWork();
  keepCurrentTrace(); // so the CLI can count this request's spans afterwards
  const marker = work?.requestId ?? `verify-${Date.now()}`;
  const checks: CheckOutcome[] = [];
  const database = await timedCheck("database", async () => {
    await pool().query("select 1");
    const pending = await pendingMigrations(pool());
    if (pending.length) throw new Error(`reachable, but ${pending.length} migration(s) are pending (${pending.join(", ")}): run \`npm run db:migrate\``);
    return "select 1 answered; migrations applied";
  });
  checks.push(database);
  if (!database.ok) return { requestId: work?.requestId ?? null, traceId: work?.traceId ?? null, checks, counts: { events: 0, metricFamilies: 0, samples: 0, spans: null } };

  checks.push(
    await timedCheck("cache", async () => {
      await opts.cache.roundTrip();
      const second = await opts.cache.roundTrip();
      if (!second.hit) throw new Error(`the ${opts.cache.name} cache missed twice in a row: it does not keep entries`);
      return `${opts.cache.name}: miss or hit, then hit`;
    }),
  );
  for (const t of opts.testTasks) {
    checks.push(
      await timedCheck(`task:${t.runtime}`, async () => {
        const r = await t.run(marker);
        if (!r.ok) throw new Error(r.detail);
        return r.detail;
      }),
    );
  }
  let events = 0;
  checks.push(
    await timedCheck("events", async () => {
      emitEvent({ name: "telemetry.verify", tags: { source: "opsdeck_verify" } });
      await flushTelemetry();
      const { rows } = await pool().query<{ n: number }>(`select count(*)::int as n from telemetry_events where request_id = $1`, [marker]);
      events = rows[0]?.n ?? 0;
      if (events === 0) throw new Error("the telemetry.verify event was not written: check the log for \"telemetry write failed\"");
      return `${events} event(s) recorded for request ${marker}`;
    }),
  );
  let families = 0;
  let samples = 0;
  checks.push(
    await timedCheck("metrics", async () => {
      const parsed = parseExposition(await registry.metrics());
      families = parsed.declared.size;
      samples = parsed.samples.length;
      if (!parsed.declared.has("http_requests_total")) throw new Error("http_requests_total is not declared in this process's exposition");
      for (const name of ["telemetry_events_total", "db_query_duration_seconds_count"]) {
        if (!parsed.samples.some((s) => s.name === name)) throw new Error(`${name} has no sample in this process's exposition`);
      }
      return `${families} metric families, ${samples} samples parsed`;
    }),
  );
  // Spans are written once the request's root span ends: the CLI counts them afterwards.
  return { requestId: work?.requestId ?? null, traceId: work?.traceId ?? null, checks, counts: { events, metricFamilies: families, samples, spans: null } };
}
