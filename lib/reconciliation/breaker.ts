import "server-only";
// How the worker reaches a platform's shared circuit breaker (breakers.ts, lib/platform/breakers:
// one state per platform across every process, named by the bare platform name). Parameters come
// from RECONCILIATION_SETTINGS.breaker (the seed's names); each call is also bounded by the
// platform's fetch timeout, so a hanging platform counts as a failure.
import type pg from "pg";
import { breakerSnapshots } from "@/lib/platform/breakers";
import { platformBreaker } from "./breakers";
import { PlatformFetchError } from "./errors";
import { platformConfig, type ClassificationSettings } from "./settings";

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

export function breakerSettings(s: ClassificationSettings) {
  return {
    failureThreshold: s.breaker.failure_threshold,
    openCooldownSeconds: s.breaker.open_cooldown_seconds,
    halfOpenProbeCount: s.breaker.half_open_probe_count,
    failureWindowSeconds: s.breaker.failure_window_seconds,
  };
}

/**
 * What counts against a platform: it timed out, was unreachable, answered 5xx or nonsense. A 4xx
 * means the platform is up and refused our request, and "unconfigured" is our own setting: neither
 * should stop calls to a healthy platform.
 */
export function isPlatformFailure(err: unknown): boolean {
  if (err instanceof PlatformFetchError) return err.code !== "http_4xx" && err.code !== "unconfigured";
  return true;
}

// The adapter's own timeout fires first (a PlatformTimeoutError, so missing_reason says timeout);
// the breaker's call bound is a backstop a little later.
export const platformBreakerFor: BreakerFor = (_p, platform, s) =>
  platformBreaker(platform, breakerSettings(s), { callTimeoutMs: platformConfig(platform, s).timeoutMs + 1_000, isFailure: isPlatformFailure });

/** Every platform's shared breaker state, for the incident snapshot. */
export async function platformBreakerStates(p: pg.Pool, platforms: string[]) {
  const snaps = await breakerSnapshots(p, platforms);
  return platforms.map((name) => snaps.find((s) => s.name === name) ?? { name, state: "closed", note: "no call has gone through this breaker yet" });
}
