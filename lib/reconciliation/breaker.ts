import "server-only";
// Each fetch runs through its platform's shared circuit breaker (lib/platform/breakers: state in
// PostgreSQL, one state per platform across every process). Breakers are named by the bare
// platform name; their parameters come from RECONCILIATION_SETTINGS.breaker (the seed's names).
import type pg from "pg";
import type { ClassificationSettings } from "./settings";

export interface PlatformBreaker {
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** What a refused call says: the breaker is open (or forced open) until `nextProbeAt`. */
export interface CircuitOpen {
  nextProbeAt: Date | null;
  forced: boolean;
}

export function breakerSettings(s: ClassificationSettings) {
  return {
    failureThreshold: s.breaker.failure_threshold,
    openCooldownSeconds: s.breaker.open_cooldown_seconds,
    halfOpenProbeCount: s.breaker.half_open_probe_count,
    failureWindowSeconds: s.breaker.failure_window_seconds,
  };
}

export type BreakerFor = (p: pg.Pool, platform: string, s: ClassificationSettings) => PlatformBreaker;

// Until lib/platform/breakers lands (branch `breakers`), calls pass straight through.
export const platformBreakerFor: BreakerFor = () => ({ execute: (fn) => fn(new AbortController().signal) });

// Until lib/platform/breakers lands: no shared state to report yet.
export async function platformBreakerStates(_p: pg.Pool, platforms: string[]): Promise<unknown[]> {
  return platforms.map((name) => ({ name, state: "unknown" }));
}
