// The console API's alert signals and SLOs, on rows placed at a time no other test writes to.
import { afterAll, describe, expect, it } from "vitest";
import { pool } from "../db";
import { apiSignals } from "./signals";
import { BUCKETS_MS } from "./request-stats";
import { findRule } from "@/lib/alerting/registry";
import { loadSlos } from "@/lib/slo/definitions";
import { windowCounts } from "@/lib/slo/status";

const base = Date.UTC(2031, 0, 1, 12, 0, 0);
const route = "/test/signals";

/** One row per minute for the 10 minutes before `now`: `ok` fast 200s and `errors` 500s, `slow` of the 200s take 2 s. */
async function seed(now: number, perMinute: { ok: number; errors: number; slow: number }, routeName = route) {
  const buckets = new Array(BUCKETS_MS.length + 1).fill(0);
  buckets[0] = perMinute.ok - perMinute.slow;
  buckets[BUCKETS_MS.indexOf(2500)] = perMinute.slow;
  for (let m = 1; m <= 10; m++) {
    const minute = new Date(now - m * 60_000);
    await pool().query(
      `insert into http_request_minutes (minute, route, method, status, requests, duration_sum_ms, max_ms, buckets) values
       ($1, $2, 'GET', 200, $3, 1, 2000, $4::bigint[]), ($1, $2, 'GET', 500, $5, 1, 3, $6::bigint[])`,
      [minute, routeName, perMinute.ok, `{${buckets.join(",")}}`, perMinute.errors, `{${[perMinute.errors, ...new Array(BUCKETS_MS.length).fill(0)].join(",")}}`],
    );
  }
}

const signal = (name: string) => apiSignals.find((s) => s.name === name)!;

afterAll(async () => {
  await pool().query(`delete from http_request_minutes where route like '/test/signals%'`);
});

describe("API health signals and alerts", () => {
  it("5xx ratio and p95 over the window; ApiHigh5xxRate fires above 1 %, not at or below", async () => {
    const now = new Date(base);
    await seed(base, { ok: 99, errors: 1, slow: 0 }); // exactly 1 %
    const ctx = { now, pool: pool() };
    expect(await signal("api_5xx_ratio").evaluate(ctx, 300)).toBeCloseTo(0.01, 10);
    expect(await signal("api_requests_increase").evaluate(ctx, 300)).toBe(500);
    const rule = findRule("ApiHigh5xxRate")!;
    expect((await rule.condition!(ctx)).firing).toBe(false);

    const later = base + 3_600_000;
    await seed(later, { ok: 98, errors: 2, slow: 0 }, "/test/signals/b");
    expect((await rule.condition!({ now: new Date(later), pool: pool() })).firing).toBe(true);
  });

  it("no requests reads as nothing failed and nothing slow, so quiet nights leave no rule without data", async () => {
    const ctx = { now: new Date(base - 86_400_000), pool: pool() };
    expect(await signal("api_5xx_ratio").evaluate(ctx, 300)).toBe(0);
    expect(await signal("api_latency_p95_seconds").evaluate(ctx, 600)).toBe(0);
  });

  it("ApiLatencyP95High fires when more than 5 % of requests take over a second", async () => {
    const t = base + 2 * 3_600_000;
    await seed(t, { ok: 100, errors: 0, slow: 6 }, "/test/signals/c");
    const ctx = { now: new Date(t), pool: pool() };
    const p95 = await signal("api_latency_p95_seconds").evaluate(ctx, 600);
    expect(p95).toBeGreaterThan(1);
    expect((await findRule("ApiLatencyP95High")!.condition!(ctx)).firing).toBe(true);

    const t2 = base + 3 * 3_600_000;
    await seed(t2, { ok: 100, errors: 0, slow: 4 }, "/test/signals/d");
    const ctx2 = { now: new Date(t2), pool: pool() };
    expect(await signal("api_latency_p95_seconds").evaluate(ctx2, 600)).toBeLessThanOrEqual(0.005);
    expect((await findRule("ApiLatencyP95High")!.condition!(ctx2)).firing).toBe(false);
  });

  it("the API SLOs count weighted per-minute rows: good/total for availability and latency", async () => {
    const t = base + 4 * 3_600_000;
    await seed(t, { ok: 90, errors: 10, slow: 30 }, "/test/signals/e");
    const slos = Object.fromEntries(loadSlos().map((s) => [s.name, s]));
    const [avail] = await windowCounts(pool(), slos["api-availability"], new Date(t), [3600]);
    expect(avail).toEqual({ good: 900, total: 1000 });
    const [latency] = await windowCounts(pool(), slos["api-latency"], new Date(t), [3600]);
    // 60 fast 200s + 10 fast 500s per minute are within 1 s; the 30 slow ones are not.
    expect(latency).toEqual({ good: 700, total: 1000 });
  });

  it("a latency SLO threshold that is not a bucket bound is refused with the bounds it can answer", async () => {
    const { parseSlo } = await import("@/lib/slo/definitions");
    const fs = await import("node:fs");
    const text = fs.readFileSync("slo/api-latency.yaml", "utf8").replace("thresholdSeconds: 1", "thresholdSeconds: 0.75");
    expect(() => parseSlo(text, "x.yaml")).toThrow(/answers thresholdSeconds 0.005, 0.01.*got 0.75/);
  });
});
