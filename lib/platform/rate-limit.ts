import "server-only";
// Rate limits that hold across instances: rate-limiter-flexible's PostgreSQL limiter on the app's
// pool, all limiters in one table (rate_limits, created by a migration; keys are prefixed by the
// limiter's name). One table matters beyond tidiness: the library prepares its statements under
// fixed names, so two tables on one pooled connection would collide.
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { pool } from "./db";
import { processSingleton } from "./global";

export interface LimiterOptions {
  /** Key prefix and identity of the limiter, e.g. "signin-account". */
  name: string;
  /** Points (attempts) allowed per window. */
  points: number;
  windowSeconds: number;
  /** Once the points are spent, refuse for this long (0: until the window ends). */
  blockSeconds?: number;
}

export type Limiter = RateLimiterPostgres;

export function rateLimiter(opts: LimiterOptions): Limiter {
  const key = `rateLimiter.${opts.name}.${opts.points}.${opts.windowSeconds}.${opts.blockSeconds ?? 0}`;
  return processSingleton(key, () => {
    // Expired rows are swept by one limiter per process (the library's hourly timer), not by each.
    const sweeper = processSingleton("rateLimiter.sweeper", () => ({ claimed: false }));
    const sweeps = !sweeper.claimed;
    sweeper.claimed = true;
    return new RateLimiterPostgres({
      storeClient: pool(),
      storeType: "pool",
      tableName: "rate_limits",
      tableCreated: true,
      keyPrefix: opts.name,
      points: opts.points,
      duration: opts.windowSeconds,
      blockDuration: opts.blockSeconds ?? 0,
      clearExpiredByTimeout: sweeps,
    });
  });
}

/**
 * Spends `points` for `key`. Resolves to the state after spending: `limited` when the points were
 * already spent (or this spend crossed the limit), with how long until the key is free again.
 * Store errors propagate: a caller decides whether to fail open or closed.
 */
export async function spend(limiter: Limiter, key: string, points = 1): Promise<{ limited: boolean; consumed: number; retryAfterSeconds: number }> {
  try {
    const res = await limiter.consume(key, points);
    return { limited: false, consumed: res.consumedPoints, retryAfterSeconds: 0 };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { limited: true, consumed: err.consumedPoints, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
    throw err;
  }
}

/** Whether the key is currently over its limit, without spending; seconds until it is free. */
export async function limitedFor(limiter: Limiter, key: string): Promise<number> {
  const res = await limiter.get(key);
  if (!res || res.consumedPoints <= limiter.points) return 0;
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

export interface LeasedLimiter {
  spend(key: string): Promise<{ limited: boolean; retryAfterSeconds: number }>;
}

/**
 * A process-local token bucket in front of a shared limiter, for hot keys: each instance takes a
 * lease of up to `lease` points in one consume and spends it locally, so the database sees one
 * round trip per `lease` requests of a key instead of one per request. Semantics: the shared total
 * never exceeds the limit (leased points are spent in the table when leased); a lease lasts until
 * the shared window ends; points leased by one instance and not used by the window's end are lost
 * to the others, so with N instances sharing a key near its limit a request can be refused up to
 * N × (lease − 1) points early. A lease of 1 is exactly `spend`.
 */
export function leasedLimiter(limiter: Limiter, lease: number): LeasedLimiter {
  const buckets = new Map<string, { left: number; until: number }>();
  return {
    async spend(key) {
      const now = Date.now();
      const b = buckets.get(key);
      if (b && b.left > 0 && now < b.until) {
        b.left--;
        return { limited: false, retryAfterSeconds: 0 };
      }
      if (buckets.size > 10_000) for (const [k, v] of buckets) if (v.until <= now) buckets.delete(k);
      let granted: number;
      let msLeft: number;
      try {
        const res = await limiter.consume(key, lease);
        granted = lease;
        msLeft = res.msBeforeNext;
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        // The store counted the whole lease; the points still under the limit are ours.
        granted = Math.max(0, Math.min(lease, limiter.points - (err.consumedPoints - lease)));
        msLeft = err.msBeforeNext;
      }
      if (granted === 0) return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)) };
      buckets.set(key, { left: granted - 1, until: now + msLeft });
      return { limited: false, retryAfterSeconds: 0 };
    },
  };
}
