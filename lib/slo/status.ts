// An SLO's live figures: SLI, error budget, burn rates per window, projected exhaustion, history.
// Per SLI query: one exact scan of the last hour plus an incremental refresh of minute buckets.
import type { Pool } from "pg";
import { BURN_RATE_WINDOWS, budgetRemaining, burnRate, projectedExhaustion, sliRatio } from "./math";
import type { SliRef, SloDefinition } from "./definitions";
import { countEvents, sliQuery } from "./slis";
import { minuteCounts, sumSince } from "./buckets";
import { recordCacheRoundtrip } from "@/lib/platform/telemetry/cache";

export interface WindowCounts {
  good: number;
  total: number;
}

export interface BurnRateRow {
  window: string;
  seconds: number;
  good: number;
  total: number;
  /** null = no events in the window */
  burnRate: number | null;
}

export type SloHealth = "healthy" | "burning" | "at_risk" | "exhausted" | "no_data";

export interface SloStatus {
  name: string;
  displayName: string;
  description: string;
  objective: string;
  target: number;
  window: string;
  computedAt: string;
  good: number;
  total: number;
  sli: number | null;
  errorBudgetRemaining: number;
  burnRates: BurnRateRow[];
  /** ISO time the budget runs out at the 1 h burn rate; null = not on course to run out */
  projectedExhaustion: string | null;
  health: SloHealth;
  headline: string;
}

/** Windows up to 30 min (the short alert windows 5m/30m) are counted exactly; longer ones from minute buckets. */
const EXACT_MAX_SECONDS = 1800;
const DAY_SECONDS = 86_400;

/** Counts per window (seconds) in one scan of the longest window. */
async function countExact(pool: Pool, ref: SliRef, now: Date, windows: number[]): Promise<number[]> {
  if (windows.length === 0) return [];
  const longest = Math.max(...windows);
  const from = new Date(now.getTime() - longest * 1000);
  const q = sliQuery(ref.query);
  const filters = windows.map((_, i) => `${countEvents(q, `ts >= $${i + 4}`)} as w${i}`).join(", ");
  const { rows } = await pool.query<Record<string, string>>(
    `select ${filters} from (${q.sql}) e`,
    [from, now, ref.thresholdSeconds, ...windows.map((w) => new Date(now.getTime() - w * 1000))],
  );
  return windows.map((_, i) => Number(rows[0]?.[`w${i}`] ?? 0));
}

/** How far back the minute buckets of an SLO reach: its window plus a day (history), at least 3d + 1d (alerts). */
function bucketSpanMs(slo: SloDefinition): number {
  return (Math.max(slo.windowSeconds, 3 * DAY_SECONDS) + DAY_SECONDS) * 1000;
}

/**
 * Windows ≤ 30 min are counted exactly (one index range scan of the last 30 min); longer windows are
 * summed from per-minute buckets kept up to date incrementally (lib/slo/buckets.ts), their start
 * rounded in to the next whole minute — under a minute of events in a window of at least 1 h.
 */
async function countWindows(pool: Pool, slo: SloDefinition, ref: SliRef, now: Date, windows: number[]): Promise<number[]> {
  const exactWindows = windows.filter((w) => w <= EXACT_MAX_SECONDS);
  const needBuckets = windows.some((w) => w > EXACT_MAX_SECONDS);
  const [exact, buckets] = await Promise.all([
    countExact(pool, ref, now, exactWindows),
    needBuckets ? minuteCounts(pool, ref, now, bucketSpanMs(slo)) : Promise.resolve(null),
  ]);
  return windows.map((w) =>
    w <= EXACT_MAX_SECONDS ? exact[exactWindows.indexOf(w)] : sumSince(buckets!, now.getTime() - w * 1000, now.getTime() + 1),
  );
}

/** good/total for each window (seconds), ending at `now`. */
export async function windowCounts(pool: Pool, slo: SloDefinition, now: Date, windows: number[]): Promise<WindowCounts[]> {
  const [good, total] = await Promise.all([countWindows(pool, slo, slo.good, now, windows), countWindows(pool, slo, slo.total, now, windows)]);
  // A good event is always also a total event by definition; clamp in case data races between scans.
  return windows.map((_, i) => ({ good: Math.min(good[i], total[i]), total: total[i] }));
}

function describe(slo: SloDefinition, remaining: number, sli: number | null, burn1h: number | null, exhaustion: Date | null, now: Date): [SloHealth, string] {
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  if (sli === null) return ["no_data", `No data — nothing was measured in the last ${slo.windowLabel}.`];
  if (remaining <= 0) return ["exhausted", `Budget exhausted — ${pct(1 - sli)} of events failed the objective in the last ${slo.windowLabel}; the target allows ${pct(1 - slo.target)}.`];
  const left = `${pct(remaining)} of the ${slo.windowLabel} error budget left`;
  if (exhaustion && exhaustion.getTime() - now.getTime() < 7 * 86_400_000) {
    const days = (exhaustion.getTime() - now.getTime()) / 86_400_000;
    const when = days < 1 ? `${Math.max(1, Math.round(days * 24))} hours` : `${Math.round(days)} days`;
    return ["at_risk", `At risk — ${left}; at the current rate it runs out in about ${when}.`];
  }
  if (burn1h !== null && burn1h > 1) return ["burning", `Healthy but burning — ${left}; errors in the last hour are ${burn1h.toFixed(1)}× the sustainable rate.`];
  return ["healthy", `Healthy — ${left}.`];
}

export async function computeStatus(pool: Pool, slo: SloDefinition, now: Date): Promise<SloStatus> {
  const windows = [slo.windowSeconds, ...BURN_RATE_WINDOWS.map((w) => w.seconds)];
  const counts = await windowCounts(pool, slo, now, windows);
  const [whole, ...perWindow] = counts;
  const burnRates = BURN_RATE_WINDOWS.map((w, i) => ({
    window: w.label,
    seconds: w.seconds,
    good: perWindow[i].good,
    total: perWindow[i].total,
    burnRate: burnRate(perWindow[i].good, perWindow[i].total, slo.target),
  }));
  const remaining = budgetRemaining(whole.good, whole.total, slo.target);
  const sli = sliRatio(whole.good, whole.total);
  const burn1h = burnRates.find((b) => b.window === "1h")!.burnRate;
  const exhaustion = sli === null ? null : projectedExhaustion(remaining, burn1h, slo.windowSeconds, now);
  const [health, headline] = describe(slo, remaining, sli, burn1h, exhaustion, now);
  return {
    name: slo.name,
    displayName: slo.displayName,
    description: slo.description,
    objective: slo.objective,
    target: slo.target,
    window: slo.windowLabel,
    computedAt: now.toISOString(),
    good: whole.good,
    total: whole.total,
    sli,
    errorBudgetRemaining: remaining,
    burnRates,
    projectedExhaustion: exhaustion?.toISOString() ?? null,
    health,
    headline,
  };
}

export interface HistoryPoint {
  /** start of the day (UTC) */
  day: string;
  good: number;
  total: number;
  /** that day's SLI; null without events */
  sli: number | null;
  /** budget left in the rolling window ending at the end of that day, counting only days in the chart */
  budgetRemaining: number;
}

function dailySums(counts: Map<number, number>): Map<number, number> {
  const days = new Map<number, number>();
  for (const [m, n] of counts) {
    const day = Math.floor(m / 86_400_000) * 86_400_000;
    days.set(day, (days.get(day) ?? 0) + n);
  }
  return days;
}

/**
 * One point per UTC day over the last SLO window: that day's SLI and the budget remaining as the
 * window filled up to that day (the line stakeholders read as "how fast did we spend it").
 */
export async function computeHistory(pool: Pool, slo: SloDefinition, now: Date): Promise<HistoryPoint[]> {
  const dayMs = 86_400_000;
  const days = Math.round(slo.windowSeconds / DAY_SECONDS);
  const firstDay = Math.floor(now.getTime() / dayMs) * dayMs - (days - 1) * dayMs;
  const [good, total] = (
    await Promise.all([minuteCounts(pool, slo.good, now, bucketSpanMs(slo)), minuteCounts(pool, slo.total, now, bucketSpanMs(slo))])
  ).map(dailySums);
  const points: HistoryPoint[] = [];
  let cumGood = 0;
  let cumTotal = 0;
  for (let d = 0; d < days; d++) {
    const day = firstDay + d * dayMs;
    const t = total.get(day) ?? 0;
    const g = Math.min(good.get(day) ?? 0, t);
    cumGood += g;
    cumTotal += t;
    points.push({ day: new Date(day).toISOString(), good: g, total: t, sli: sliRatio(g, t), budgetRemaining: budgetRemaining(cumGood, cumTotal, slo.target) });
  }
  return points;
}

const CACHE_MS = 10_000;
const cache = new Map<string, { at: number; pool: Pool; value: Promise<SloStatus> }>();

/**
 * computeStatus() shared for CACHE_MS: the page, the JSON API, the Prometheus scrape and the four
 * burn-rate rules per SLO all ask within one evaluation tick; one pair of scans answers them all.
 */
export function cachedStatus(pool: Pool, slo: SloDefinition, now: Date): Promise<SloStatus> {
  const hit = cache.get(slo.name);
  if (hit && hit.pool === pool && Math.abs(now.getTime() - hit.at) < CACHE_MS) {
    recordCacheRoundtrip("slo_status", "hit");
    return hit.value;
  }
  recordCacheRoundtrip("slo_status", "miss");
  const value = computeStatus(pool, slo, now);
  cache.set(slo.name, { at: now.getTime(), pool, value });
  value.catch(() => cache.delete(slo.name));
  return value;
}
