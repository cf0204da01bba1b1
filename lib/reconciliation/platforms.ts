// Which platforms claims can name: RECONCILIATION_PLATFORMS (comma-separated, lower-case names), or
// the three simulated demo platforms. Breakers are named by the bare platform name. Client-safe.
export const DEMO_PLATFORMS = ["instagram", "tiktok", "youtube"] as const;

const NAME = /^[a-z][a-z0-9_]{0,31}$/;

export function reconciliationPlatforms(): string[] {
  const configured = process.env.RECONCILIATION_PLATFORMS?.trim();
  if (!configured) return [...DEMO_PLATFORMS];
  const names = [...new Set(configured.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean))];
  const bad = names.filter((n) => !NAME.test(n));
  if (bad.length) throw new Error(`Invalid RECONCILIATION_PLATFORMS: ${bad.join(", ")} (use lower-case names: a letter, then letters, digits or _ , at most 32).`);
  return names;
}
