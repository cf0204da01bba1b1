import "server-only";
// One shared circuit breaker per reconciliation platform (lib/platform/breakers), named by the
// bare platform name (platforms.ts). The worker's adapters call through platformBreaker(); the
// breakers panel, the API and the incident snapshot read and act on them here. Metrics: reconciliation_breaker_state and
// reconciliation_breaker_transitions_total, labelled by platform (the configured platforms only).
import { pool } from "@/lib/platform/db";
import { processSingleton } from "@/lib/platform/global";
import { notFound } from "@/lib/platform/errors";
import { breakerSnapshots, breakerTransitions, declareBreakers, sharedBreaker, type BreakerOptions, type BreakerSettings, type SharedBreaker } from "@/lib/platform/breakers";
import { forceOpen, resetBreaker, type BreakerActor } from "@/lib/platform/breakers/actions";
import { registerBreakerMetrics } from "@/lib/platform/breakers/metrics";
import type pg from "pg";
import { PlatformFetchError } from "./errors";
import { reconciliationPlatforms } from "./platforms";
import { platformConfig, type ClassificationSettings } from "./settings";

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

/**
 * What counts against a platform: it timed out, was unreachable, answered 5xx or nonsense. A 4xx
 * means the platform is up and refused our request, and "unconfigured" is our own setting: neither
 * should stop calls to a healthy platform.
 */
export function isPlatformFailure(err: unknown): boolean {
  if (err instanceof PlatformFetchError) return err.code !== "http_4xx" && err.code !== "unconfigured";
  return true;
}

const breakers = processSingleton("reconciliationBreakers", () => new Map<string, SharedBreaker>());

/** The platform's shared breaker (one object per process, settings and call timeout); every caller counts failures alike. */
export function platformBreaker(platform: string, settings: BreakerSettings = DEFAULT_PLATFORM_BREAKER, options: Pick<BreakerOptions, "callTimeoutMs"> = {}): SharedBreaker {
  const key = `${platform}\n${JSON.stringify(settings)}\n${options.callTimeoutMs ?? ""}`;
  let b = breakers.get(key);
  if (!b) {
    b = sharedBreaker(pool(), platform, settings, { ...options, isFailure: isPlatformFailure });
    breakers.set(key, b);
  }
  return b;
}

export interface PlatformBreaker {
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** What a refused call says: the breaker is open (or forced open) until `nextProbeAt`. */
export interface CircuitOpen {
  nextProbeAt: Date | null;
  forced: boolean;
}

/** The worker takes its breakers from here; tests pass their own. */
export type BreakerFor = (p: pg.Pool, platform: string, s: ClassificationSettings) => PlatformBreaker;

/** RECONCILIATION_SETTINGS.breaker (the seed's names) as the platform breaker's settings. */
export function breakerSettings(s: ClassificationSettings): BreakerSettings {
  return {
    failureThreshold: s.breaker.failure_threshold,
    openCooldownSeconds: s.breaker.open_cooldown_seconds,
    halfOpenProbeCount: s.breaker.half_open_probe_count,
    failureWindowSeconds: s.breaker.failure_window_seconds,
  };
}

// The adapter's own timeout fires first (a PlatformTimeoutError, so missing_reason says timeout);
// the breaker's call bound is a backstop a little later.
export const platformBreakerFor: BreakerFor = (_p, platform, s) =>
  platformBreaker(platform, breakerSettings(s), { callTimeoutMs: platformConfig(platform, s).timeoutMs + 1_000 });

function knownPlatform(platform: string): string {
  const all = reconciliationPlatforms();
  if (!all.includes(platform)) throw notFound(`Platform "${platform}" (configured platforms: ${all.join(", ")})`);
  return platform;
}

const DAY_MS = 24 * 3600 * 1000;

/** Every configured platform's breaker state (closed for one no call has gone through yet). */
export async function platformBreakerSnapshots() {
  const platforms = reconciliationPlatforms();
  await declareBreakers(pool(), platforms, DEFAULT_PLATFORM_BREAKER);
  return { platforms, snaps: await breakerSnapshots(pool(), platforms) };
}

/** Every configured platform's breaker with its transitions over the last 24 h (the panel and GET). */
export async function platformBreakerBoard(now = new Date()) {
  const { platforms, snaps } = await platformBreakerSnapshots();
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
