// Shared reads: a dashboard read whose answer is the same for every caller allowed to see it is
// computed at most once per `ttlMs` in this process, and callers arriving while it is computed wait
// for that computation instead of starting their own (single flight). Fifty on-call screens polling
// the same panel cost one set of queries a second, not fifty. The price is staleness up to the TTL
// (OPSDECK_SHARED_READ_MS, default 1000; 0 turns sharing off): a console action (a signed-in
// mutation, see route.ts) clears this process's shared reads so its author sees the result at once;
// other instances catch up within the TTL.
import { processSingleton } from "./global";
import { recordCacheRoundtrip } from "./telemetry/cache";

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

/**
 * A per-process map of promised answers, each shared with every caller for `ttlMs` after its
 * computation started (single flight: callers arriving meanwhile wait for it). Failures are not
 * kept. Beyond `maxEntries` keys the oldest go. Lookups count in cache_requests_total{cache=name}.
 */
export function singleFlightCache<T>(o: { name: string; maxEntries: number }) {
  const entries = new Map<string, Entry<T>>();
  return {
    get(key: string, compute: () => Promise<T>, ttlMs: number): Promise<T> {
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && now - hit.at < ttlMs) {
        recordCacheRoundtrip(o.name, "hit");
        return hit.value;
      }
      recordCacheRoundtrip(o.name, "miss");
      const value = compute();
      entries.delete(key); // re-inserted last: Map order is the eviction order
      entries.set(key, { at: now, value });
      if (entries.size > o.maxEntries) entries.delete(entries.keys().next().value!);
      value.catch(() => {
        // A failed computation must not be served to the next caller; only drop our own entry.
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
    clear(): void {
      entries.clear();
    },
  };
}

/** More distinct keys than any console uses (routes × windows × filters). */
const reads = processSingleton("sharedReads", () => singleFlightCache<unknown>({ name: "shared_read", maxEntries: 500 }));

export function sharedReadTtlMs(): number {
  const raw = process.env.OPSDECK_SHARED_READ_MS;
  const ms = raw === undefined || raw === "" ? 1_000 : Number(raw);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** `compute()`'s answer for `key`, shared with every caller within `ttlMs` of its start. Failures are not kept. */
export function sharedRead<T>(key: string, compute: () => Promise<T>, ttlMs = sharedReadTtlMs()): Promise<T> {
  if (ttlMs <= 0) return compute();
  return reads.get(key, compute, ttlMs) as Promise<T>;
}

/** Forgets every shared read of this process (after a console action changed what they show). */
export function clearSharedReads(): void {
  reads.clear();
}
