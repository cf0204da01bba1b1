// The console API tile: error ratio and p95 over the last 5 minutes, the thresholds of
// ApiHigh5xxRate (1 %) and ApiLatencyP95High (1 s).
import { pool } from "../db";
import type { OverviewTileSource } from "../overview";
import { apiSignals } from "./signals";

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toLocaleString("en")} %`;

export const apiTile: OverviewTileSource = {
  area: "api",
  title: "Console API",
  href: "/performance",
  async load() {
    const ctx = { now: new Date(), pool: pool() };
    const [requests, errors, p95] = await Promise.all(apiSignals.map((s) => s.evaluate(ctx, 300)));
    if (!requests) return { status: "neutral", headline: "No requests in 5 min", detail: "Nothing to judge yet" };
    const perMin = `${Math.round(requests / 5).toLocaleString("en")} req/min`;
    const latency = p95 === null ? "p95 —" : `p95 ${Math.round(p95 * 1000).toLocaleString("en")} ms`;
    const detail = `${perMin} · ${latency} · ${pct(errors ?? 0)} 5xx (5 min)`;
    if ((errors ?? 0) > 0.01) return { status: "bad", headline: `${pct(errors!)} server errors`, detail };
    if ((p95 ?? 0) > 1) return { status: "warn", headline: `Slow: ${latency}`, detail };
    return { status: "good", headline: latency, detail: `${perMin} · ${pct(errors ?? 0)} 5xx (5 min)` };
  },
};
