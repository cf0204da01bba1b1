// The console API's alerting signals, read from the per-minute request statistics that every
// instance writes (http_request_minutes): the same requests http_requests_total and
// http_request_duration_seconds count, so Opsdeck's evaluator and the exported Prometheus rules
// (lib/exports/promql.ts) agree. A window covers the minutes that start inside it.
import type { Signal, SignalContext } from "@/lib/alerting/types";
import { quantileMs } from "./request-stats";

function since(ctx: SignalContext, windowSeconds: number): Date {
  const from = ctx.now.getTime() - windowSeconds * 1000;
  return new Date(from - (from % 60_000));
}

async function requestCounts(ctx: SignalContext, windowSeconds: number): Promise<{ total: number; errors: number }> {
  const { rows } = await ctx.pool.query<{ total: string | null; errors: string | null }>(
    `select sum(requests)::text as total, sum(requests) filter (where status >= 500)::text as errors
     from http_request_minutes where minute >= $1 and minute <= $2`,
    [since(ctx, windowSeconds), ctx.now],
  );
  return { total: Number(rows[0]?.total ?? 0), errors: Number(rows[0]?.errors ?? 0) };
}

/** Merged latency histogram over the window (null without requests). */
export async function windowHistogram(ctx: SignalContext, windowSeconds: number): Promise<{ buckets: number[]; maxMs: number } | null> {
  const { rows } = await ctx.pool.query<{ i: string; n: string; max_ms: number }>(
    `select u.i::text, sum(u.b)::text as n, max(m.max_ms) as max_ms
     from http_request_minutes m, unnest(m.buckets) with ordinality as u(b, i)
     where m.minute >= $1 and m.minute <= $2 group by u.i order by u.i`,
    [since(ctx, windowSeconds), ctx.now],
  );
  if (rows.length === 0) return null;
  return { buckets: rows.map((r) => Number(r.n)), maxMs: Math.max(...rows.map((r) => r.max_ms)) };
}

export const apiSignals: Signal[] = [
  {
    name: "api_requests_increase",
    domain: "platform",
    description: "Requests the console's API answered within the window (every route, every instance).",
    unit: "requests",
    evaluate: async (ctx, w) => (await requestCounts(ctx, w)).total,
  },
  {
    name: "api_5xx_ratio",
    domain: "platform",
    // No requests: nothing failed. Reporting "no data" would leave the rule in a no-data state every quiet night.
    description: "Share of the console API's responses with a 5xx status within the window; 0 without requests.",
    unit: "ratio",
    evaluate: async (ctx, w) => {
      const c = await requestCounts(ctx, w);
      return c.total === 0 ? 0 : c.errors / c.total;
    },
  },
  {
    name: "api_latency_p95_seconds",
    domain: "platform",
    description: "95th percentile of the console API's response time within the window (histogram interpolation, like histogram_quantile); 0 without requests.",
    unit: "s",
    evaluate: async (ctx, w) => {
      const h = await windowHistogram(ctx, w);
      const ms = h && quantileMs(h.buckets, 0.95, h.maxMs);
      return ms === null || ms === undefined ? 0 : ms / 1000;
    },
  },
];
