// Plain-language number formatting for the SLO pages (client-safe).

/** 0.99512 → "99.51%"; null → "—" */
export function pct(x: number | null, digits = 2): string {
  if (x === null) return "—";
  return `${(Math.round(x * 100 * 10 ** digits) / 10 ** digits).toFixed(digits).replace(/\.?0+$/, "")}%`;
}

export function burn(x: number | null): string {
  if (x === null) return "no traffic";
  return `${x < 10 ? x.toFixed(2) : x.toFixed(1)}×`;
}

/** What a burn rate means for a reader who does not know the term. */
export function burnMeaning(x: number | null, window: string): string {
  if (x === null) return "No events — nothing to judge.";
  if (x === 0) return "No failures.";
  if (x < 1) return `Within budget: the ${window} budget would outlast the window.`;
  return `Spending budget ${x.toFixed(1)}× faster than sustainable.`;
}

export function when(iso: string | null, now: Date): string {
  if (!iso) return "Not on course to run out";
  const ms = new Date(iso).getTime() - now.getTime();
  if (ms <= 0) return "Already exhausted";
  const hours = ms / 3_600_000;
  if (hours < 48) return `In about ${Math.max(1, Math.round(hours))} hours`;
  return `In about ${Math.round(hours / 24)} days`;
}

export const HEALTH_TONE = { healthy: "good", burning: "warn", at_risk: "warn", exhausted: "bad", no_data: "neutral" } as const;
export const HEALTH_LABEL = { healthy: "Healthy", burning: "Burning", at_risk: "At risk", exhausted: "Budget exhausted", no_data: "No data" } as const;
