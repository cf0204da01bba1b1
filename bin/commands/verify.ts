// `opsdeck verify` (seed 002's verify_observability): after a deploy, prove the telemetry plumbing
// works. Against the embedded default or DATABASE_URL it runs the checks in this process (with a
// fulfillment worker here if none is heartbeating); with --base-url URL --api-key KEY it asks the
// running deployment over HTTP.
// Either way the same checks: database and cache round trips, a test task through each worker
// runtime, one request traced end to end (its id comes back on its event), events and metrics
// recorded, the Prometheus exposition parsed. Prints a table; exits 1 naming the failed checks.
import { randomBytes, randomUUID } from "node:crypto";
import type { Command } from "commander";
import type { CheckOutcome, ProbeResult } from "@/lib/platform/telemetry/verify";

type Call = (method: "GET" | "POST", path: string, requestId?: string) => Promise<Response>;

export interface VerifyReport {
  checks: CheckOutcome[];
  counts: ProbeResult["counts"] | null;
  notes: string[];
}

const VERIFY_ROUTE = "/api/v1/telemetry/verify";

async function timed(name: string, fn: () => Promise<string>): Promise<CheckOutcome> {
  const { timedCheck } = await import("@/lib/platform/telemetry/verify");
  return timedCheck(name, fn);
}

async function json<T>(res: Response, what: string): Promise<T> {
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${body?.error?.message ?? "no JSON body"}`);
  return body as T;
}

/** The checks every mode shares, given a way to call the app. */
export async function verifyThrough(call: Call): Promise<VerifyReport> {
  const requestId = `verify-${randomUUID()}`;
  const notes: string[] = [];
  let probe: ProbeResult | null = null;
  const probeCheck = await timed("probe", async () => {
    const res = await call("POST", VERIFY_ROUTE, requestId);
    probe = await json<ProbeResult>(res, `POST ${VERIFY_ROUTE}`);
    if (res.headers.get("x-request-id") !== requestId) throw new Error(`the response carried request id ${res.headers.get("x-request-id")}, not the one sent`);
    return "answered";
  });
  if (!probe) return { checks: [{ ...probeCheck, name: "database" }], counts: null, notes };
  const result: ProbeResult = probe;
  const checks = [...result.checks];
  if (!checks.find((c) => c.name === "database")?.ok) return { checks, counts: result.counts, notes };

  checks.push(
    await timed("request-trace", async () => {
      const res = await call("GET", `/api/v1/events?request_id=${encodeURIComponent(requestId)}&limit=50`);
      const { events } = await json<{ events: { name: string; route: string | null; traceId: string | null }[] }>(res, "GET /api/v1/events");
      const mine = events.find((e) => e.name === "telemetry.verify");
      if (!mine) throw new Error(`no event came back for request ${requestId}: the request context did not reach the events table`);
      if (mine.route !== VERIFY_ROUTE) throw new Error(`the event's route is ${mine.route}, expected the template ${VERIFY_ROUTE}`);
      if (result.traceId && mine.traceId !== result.traceId) throw new Error(`the event's trace id ${mine.traceId} differs from the request's ${result.traceId}`);
      return `request ${requestId} → event with route ${VERIFY_ROUTE}${result.traceId ? ` and trace ${result.traceId}` : " (tracing off: no trace id)"}`;
    }),
  );
  let spans: number | null = null;
  if (result.traceId) {
    checks.push(
      await timed("trace", async () => {
        // The root span ends after the response: give the batch writer a moment.
        for (let i = 0; i < 30; i++) {
          const res = await call("GET", `/api/v1/traces/${result.traceId}`);
          if (res.ok) {
            spans = (await json<{ spans: unknown[] }>(res, "GET /api/v1/traces")).spans.length;
            return `${spans} span(s) recorded for trace ${result.traceId}`;
          }
          if (res.status !== 404) await json(res, "GET /api/v1/traces");
          await new Promise((r) => setTimeout(r, 200));
        }
        throw new Error(`trace ${result.traceId} was not written to the sample within 6 s`);
      }),
    );
  } else {
    notes.push("tracing is off (OPSDECK_TRACING=false or not started in this process): no spans to count");
  }
  checks.push(
    await timed("prometheus", async () => {
      const res = await call("GET", "/metrics");
      const text = await res.text();
      if (!res.ok) throw new Error(`GET /metrics answered ${res.status}: ${text.slice(0, 200)}`);
      const { parseExposition } = await import("@/lib/platform/telemetry/exposition");
      const { declared, samples } = parseExposition(text);
      // The probe's event is counted by the process that served it.
      const seen = samples.some((s) => s.name === "telemetry_events_total" && s.labels.name === "telemetry.verify");
      if (!seen) throw new Error(`telemetry_events_total has no telemetry.verify series (several instances behind a balancer? then this one did not serve the probe)`);
      return `${declared.size} metric names, ${samples.length} samples parsed`;
    }),
  );
  return { checks, counts: { ...result.counts, spans }, notes };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

export function formatReport(r: VerifyReport): string {
  const lines = [`${pad("check", 18)}${pad("verdict", 9)}${pad("time", 10)}detail`];
  for (const c of r.checks) lines.push(`${pad(c.name, 18)}${pad(c.ok ? "pass" : "FAIL", 9)}${pad(`${c.ms} ms`, 10)}${c.detail}`);
  if (r.counts) {
    const spans = r.counts.spans === null ? "tracing off" : `${r.counts.spans} span(s) in the probe's trace`;
    lines.push("", `spans: ${spans} · metrics: ${r.counts.metricFamilies} families, ${r.counts.samples} samples · events: ${r.counts.events} for the probe request`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  const failed = r.checks.filter((c) => !c.ok);
  lines.push(failed.length ? `FAIL: ${failed.map((c) => c.name).join(", ")}` : `PASS: ${r.checks.length} checks`);
  return `${lines.join("\n")}\n`;
}

function remoteCall(baseUrl: string, apiKey: string): Call {
  const base = baseUrl.replace(/\/+$/, "");
  return async (method, path, requestId) => {
    try {
      return await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(requestId ? { "x-request-id": requestId } : {}),
          // Sampled by the caller (W3C trace context): traced even when the server's trace budget is spent.
          traceparent: `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`,
        },
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      throw new Error(`${method} ${path}: ${(err as Error).message} — is ${base} reachable?`);
    }
  };
}

/**
 * In this process: the database first (so an unreachable one is named), then the same functions
 * the three routes call, the probe inside the same request wrapper route() applies. (route() itself
 * cannot load outside Next.js: its session lookup needs next-auth's React context; --base-url
 * exercises the HTTP layer too.)
 */
export async function verifyLocal(): Promise<VerifyReport> {
  const { pool } = await import("@/lib/platform/db");
  const database = await timed("database", async () => {
    await pool().query("select 1");
    return "select 1 answered";
  });
  if (!database.ok) return { checks: [database], counts: null, notes: [] };

  const { NextRequest } = await import("next/server");
  const { withRequestTelemetry } = await import("@/lib/platform/telemetry");
  const { runProbe } = await import("@/lib/platform/telemetry/verify");
  const { listEvents } = await import("@/lib/platform/telemetry/event-queries");
  const { registry } = await import("@/lib/platform/metrics");
  const { testTasks, verifyCache } = await import("@/lib/domains");
  const { liveFulfillmentWorkers } = await import("@/lib/fulfillment/verify");
  const noParams = { params: Promise.resolve({}) };
  const handlers: Record<string, (req: InstanceType<typeof NextRequest>) => Promise<Response>> = {
    [`POST ${VERIFY_ROUTE}`]: (req) => withRequestTelemetry(VERIFY_ROUTE, async () => Response.json(await runProbe({ testTasks, cache: verifyCache })))(req, noParams),
    "GET /api/v1/events": async (req) =>
      Response.json(await listEvents({ requestId: new URL(req.url).searchParams.get("request_id") ?? undefined, limit: 50 })),
    "GET /metrics": async () => new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } }),
  };
  const notes: string[] = [];
  let stopWorker: (() => Promise<void>) | null = null;
  try {
    if ((await liveFulfillmentWorkers()) === 0) {
      const { createWorker } = await import("@/lib/fulfillment/worker");
      const { createHandlers } = await import("@/lib/fulfillment/handlers");
      const { workerOptionsFromEnv } = await import("@/lib/fulfillment/settings");
      const worker = createWorker({ pool: pool(), ...workerOptionsFromEnv(), handlers: createHandlers(), settings: { where: "opsdeck verify" } });
      await worker.start();
      stopWorker = () => worker.stop();
      notes.push("no fulfillment worker was heartbeating: the test task ran on a worker started by this command");
    }
    const call: Call = (method, path, requestId) =>
      handlers[`${method} ${path.split("?")[0]}`](new NextRequest(`http://localhost${path}`, { method, headers: requestId ? { "x-request-id": requestId } : {} }));
    const report = await verifyThrough(call);
    return { ...report, checks: [database, ...report.checks.filter((c) => c.name !== "database")], notes: [...notes, ...report.notes] };
  } finally {
    await stopWorker?.();
  }
}

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description("Prove the telemetry plumbing works: database, cache, worker task, traced request, events, metrics, Prometheus exposition")
    .option("--base-url <url>", "a running Opsdeck, e.g. https://opsdeck.example.com (default: this process on DATABASE_URL or the embedded database)")
    .option("--api-key <key>", "API key with the metrics:read scope (with --base-url)", process.env.OPSDECK_API_KEY)
    .action(async (opts: { baseUrl?: string; apiKey?: string }) => {
      if (opts.baseUrl && !opts.apiKey) throw new Error("--base-url needs --api-key (or OPSDECK_API_KEY) with the metrics:read scope.");
      const t0 = Date.now();
      let report: VerifyReport;
      if (opts.baseUrl) {
        process.stdout.write(`Verifying ${opts.baseUrl}…\n`);
        report = await verifyThrough(remoteCall(opts.baseUrl, opts.apiKey!));
      } else {
        const { resolveDatabase } = await import("../lib/database");
        const resolved = await resolveDatabase({ unref: true });
        process.stdout.write(`Verifying in this process against the ${resolved.kind} database…\n`);
        report = await verifyLocal();
      }
      process.stdout.write(formatReport(report));
      process.stdout.write(`(${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
      process.exit(report.checks.every((c) => c.ok) ? 0 : 1);
    });
}
