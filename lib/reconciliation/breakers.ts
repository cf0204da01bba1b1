import "server-only";
// One shared circuit breaker per reconciliation platform (lib/platform/breakers), named by the
// bare platform name (platforms.ts). The worker's adapters call through platformBreaker(); the
// breakers panel and API read and act on them here. Metrics: reconciliation_breaker_state and
// reconciliation_breaker_transitions_total, labelled by platform (the configured platforms only).
import { pool } from "@/lib/platform/db";
import { processSingleton } from "@/lib/platform/global";
import { notFound } from "@/lib/platform/errors";
import { breakerSnapshots, breakerTransitions, declareBreakers, sharedBreaker, type BreakerOptions, type BreakerSettings, type SharedBreaker } from "@/lib/platform/breakers";
import { forceOpen, resetBreaker, type BreakerActor } from "@/lib/platform/breakers/actions";
import { registerBreakerMetrics } from "@/lib/platform/breakers/metrics";
import { reconciliationPlatforms } from "./platforms";

/**
 * Used until a platform's worker first calls through its breaker with the configured settings
 * (RECONCILIATION_SETTINGS.breaker); the same defaults as the seed-derived settings.
 */
export const DEFAULT_PLATFORM_BREAKER: BreakerSettings = { failureThreshold: 5, openCooldownSeconds: 15, halfOpenProbeCount: 1, failureWindowSeconds: 30 };

registerBreakerMetrics({
  prefix: "reconciliation",
  label: "platform",
  members: () => new Map(reconciliationPlatforms().map((p) => [p, p])),
  pool,
});

const breakers = processSingleton("reconciliationBreakers", () => new Map<string, SharedBreaker>());

/** The platform's shared breaker (one object per process and settings). */
export function platformBreaker(platform: string, settings: BreakerSettings = DEFAULT_PLATFORM_BREAKER, options?: BreakerOptions): SharedBreaker {
  const key = `${platform}\n${JSON.stringify(settings)}\n${options?.callTimeoutMs ?? ""}`;
  let b = breakers.get(key);
  if (!b) {
    b = sharedBreaker(pool(), platform, settings, options);
    breakers.set(key, b);
  }
  return b;
}

function knownPlatform(platform: string): string {
  const all = reconciliationPlatforms();
  if (!all.includes(platform)) throw notFound(`Platform "${platform}" (configured platforms: ${all.join(", ")})`);
  return platform;
}

const DAY_MS = 24 * 3600 * 1000;

/** Every configured platform's breaker with its transitions over the last 24 h (the panel and GET). */
export async function platformBreakerBoard(now = new Date()) {
  const platforms = reconciliationPlatforms();
  await declareBreakers(pool(), platforms, DEFAULT_PLATFORM_BREAKER);
  const snaps = await breakerSnapshots(pool(), platforms);
  const since = new Date(now.getTime() - DAY_MS);
  return Promise.all(
    platforms.map(async (platform) => ({
      platform,
      breaker: snaps.find((s) => s.name === platform)!,
      transitions: await breakerTransitions(pool(), platform, since, 200),
    })),
  );
}

export async function forcePlatformOpen(platform: string, who: BreakerActor) {
  await declareBreakers(pool(), [knownPlatform(platform)], DEFAULT_PLATFORM_BREAKER);
  return forceOpen(platform, who);
}

export async function resetPlatformBreaker(platform: string, who: BreakerActor) {
  await declareBreakers(pool(), [knownPlatform(platform)], DEFAULT_PLATFORM_BREAKER);
  return resetBreaker(platform, who);
}
