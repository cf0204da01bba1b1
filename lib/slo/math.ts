// Error-budget arithmetic for ratio SLOs. Pure functions, no I/O.
//
// Floating error: 1 - 0.999 is 0.0010000000000000009 in binary floating point, and
// (6/1000)/0.001 is 5.999999999999999 — enough to flip a "burn rate > 6" comparison at the exact
// boundary. So the target is held as an integer number of parts per million and every ratio is
// computed as one integer product divided by another (event counts and ppm are far below 2^53),
// then rounded to PRECISION decimals.

export const PPM = 1_000_000;
const PRECISION = 1e9;

function round(x: number): number {
  return Math.round(x * PRECISION) / PRECISION;
}

/** Target 0.999 → 999000. Targets must lie in (0, 1); finer than 1 ppm is rounded. */
export function targetPpm(target: number): number {
  const ppm = Math.round(target * PPM);
  if (!(ppm > 0 && ppm < PPM)) throw new Error(`SLO target ${target} must be strictly between 0 and 1 (e.g. 0.995).`);
  return ppm;
}

/** The allowed bad fraction in ppm: 0.999 → 1000 (0.1 %). */
export function budgetPpm(target: number): number {
  return PPM - targetPpm(target);
}

/** good / total; null when there were no events (no traffic is not 100 % and not 0 %). */
export function sliRatio(good: number, total: number): number | null {
  if (total <= 0) return null;
  return round(good / total);
}

/**
 * How fast the error budget burns: the observed error rate divided by the allowed error rate.
 * 1 = the budget lasts exactly the SLO window; 14.4 over 1 h in a 30-day window = 2 % of the budget
 * gone in that hour. null when there were no events.
 */
export function burnRate(good: number, total: number, target: number): number | null {
  if (total <= 0) return null;
  const bad = Math.max(0, total - good);
  return round((bad * PPM) / (total * budgetPpm(target)));
}

/**
 * Exact comparison "burn rate > factor" without the rounding of burnRate(): bad/total >
 * factor × budget ⇔ bad × PPM × SCALE > factor × SCALE × total × budgetPpm, with the factor scaled
 * to an integer (factors carry at most 4 decimals, see alertFactor()).
 */
export function burnRateExceeds(good: number, total: number, target: number, factor: number): boolean {
  if (total <= 0) return false;
  const bad = BigInt(Math.max(0, total - good));
  // BigInt: bad × 10^10 passes 2^53 beyond ~900k bad events.
  const SCALE = 10_000n;
  return bad * BigInt(PPM) * SCALE > BigInt(Math.round(factor * 10_000)) * BigInt(total) * BigInt(budgetPpm(target));
}

/**
 * Fraction of the window's error budget still unspent: 1 = untouched, 0 = exactly spent,
 * negative = overspent (−0.5 = 150 % of the budget used). No events → the whole budget is left.
 */
export function budgetRemaining(good: number, total: number, target: number): number {
  if (total <= 0) return 1;
  const bad = Math.max(0, total - good);
  const allowed = total * budgetPpm(target); // in ppm-events
  return round((allowed - bad * PPM) / allowed);
}

/**
 * When the budget runs out if the recent burn rate holds: remaining × window / burnRate seconds
 * from now. A burn rate of 1 spends a whole budget in one window. Approximation: in a rolling
 * window old errors also age out, so this errs towards "sooner". null = not exhausting (no burn,
 * or no data); `now` itself when the budget is already spent.
 */
export function projectedExhaustion(remaining: number, recentBurnRate: number | null, windowSeconds: number, now: Date): Date | null {
  if (remaining <= 0) return now;
  if (recentBurnRate === null || recentBurnRate <= 0) return null;
  const seconds = (remaining * windowSeconds) / recentBurnRate;
  return new Date(now.getTime() + Math.round(seconds * 1000));
}

/**
 * The burn-rate factor that spends `budgetPercent` % of the budget within `longWindowSeconds`, for
 * an SLO window of `sloWindowSeconds`. The classic factors 14.4 / 6 / 3 / 1 are this formula for a
 * 30-day window with 2 % / 5 % / 10 % / 10 % over 1 h / 6 h / 1 d / 3 d; for a 28-day window the
 * same budget fractions give 13.44 / 5.6 / 2.8 / 0.9333 (Pyrra keeps the spend per alert constant
 * when the window changes). Rounded to 4 decimals.
 */
export function alertFactor(budgetPercent: number, sloWindowSeconds: number, longWindowSeconds: number): number {
  return Math.round((budgetPercent * sloWindowSeconds * 100) / longWindowSeconds) / 10_000;
}

export interface BurnAlertWindow {
  name: "page-fast" | "page-slow" | "ticket-fast" | "ticket-slow";
  severity: "critical" | "warning";
  longSeconds: number;
  shortSeconds: number;
  /** % of the window's budget this alert's long window may spend before it fires. */
  budgetPercent: number;
  forSeconds: number;
}

const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;

/** The SRE-workbook multiwindow multi-burn-rate table (factors computed per SLO window). */
export const BURN_ALERT_WINDOWS: readonly BurnAlertWindow[] = [
  { name: "page-fast", severity: "critical", longSeconds: HOUR, shortSeconds: 5 * MIN, budgetPercent: 2, forSeconds: 2 * MIN },
  { name: "page-slow", severity: "critical", longSeconds: 6 * HOUR, shortSeconds: 30 * MIN, budgetPercent: 5, forSeconds: 15 * MIN },
  { name: "ticket-fast", severity: "warning", longSeconds: DAY, shortSeconds: 2 * HOUR, budgetPercent: 10, forSeconds: HOUR },
  { name: "ticket-slow", severity: "warning", longSeconds: 3 * DAY, shortSeconds: 6 * HOUR, budgetPercent: 10, forSeconds: 3 * HOUR },
];

/** Windows the SLO page reports burn rates for. */
export const BURN_RATE_WINDOWS = [
  { label: "5m", seconds: 5 * MIN },
  { label: "30m", seconds: 30 * MIN },
  { label: "1h", seconds: HOUR },
  { label: "2h", seconds: 2 * HOUR },
  { label: "6h", seconds: 6 * HOUR },
  { label: "1d", seconds: DAY },
  { label: "3d", seconds: 3 * DAY },
] as const;

export type BurnWindowLabel = (typeof BURN_RATE_WINDOWS)[number]["label"];

export function windowLabel(seconds: number): string {
  if (seconds % DAY === 0) return `${seconds / DAY}d`;
  if (seconds % HOUR === 0) return `${seconds / HOUR}h`;
  if (seconds % MIN === 0) return `${seconds / MIN}m`;
  return `${seconds}s`;
}

/** "28d" / "30d" / "4w" / "12h" → seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)([smhdw])$/.exec(text.trim());
  if (!m) throw new Error(`Duration "${text}" is not like 28d, 30d, 6h or 5m.`);
  const unit = { s: 1, m: MIN, h: HOUR, d: DAY, w: 7 * DAY }[m[2] as "s" | "m" | "h" | "d" | "w"];
  return Number(m[1]) * unit;
}
