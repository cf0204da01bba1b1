// Circuit breakers shared by every process (docs/breakers.md). The execute path (breaker.ts,
// store.ts) runs in plain Node too; operator actions (actions.ts) and metrics are imported from
// their own modules because they need the server's Prisma client and registry.
import type pg from "pg";
import { ensureRowsExist, readRows, readTransitions, type BreakerSettings, type BreakerSnapshot, type Transition } from "./store";

export { sharedBreaker, CircuitOpenError, onBreakerTransition, stopBreakerListener, type BreakerOptions, type SharedBreaker } from "./breaker";
export type { BreakerSettings, BreakerSnapshot, BreakerState, Transition, TransitionCause } from "./store";

/** The shared state of the named breakers (all when `names` is omitted), ordered by name. */
export function breakerSnapshots(pool: pg.Pool, names?: string[]): Promise<BreakerSnapshot[]> {
  return readRows(pool, names);
}

/** The breaker's transitions since `since`, newest first (at most `limit`). */
export function breakerTransitions(pool: pg.Pool, name: string, since: Date, limit?: number): Promise<Transition[]> {
  return readTransitions(pool, name, since, limit);
}

/**
 * Makes the named breakers visible (state closed) before their first call, e.g. for a dashboard
 * listing configured members. Existing breakers keep their state and settings.
 */
export function declareBreakers(pool: pg.Pool, names: string[], settings: BreakerSettings): Promise<void> {
  return ensureRowsExist(pool, names, settings);
}
