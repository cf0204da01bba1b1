// Cache round-trip instrumentation (seed 002's cache.roundtrip): every lookup of an app cache
// counts in cache_requests_total{cache,result} and becomes a cache.roundtrip event.
import { EVENT_NAMES, emitEvent } from "./events";
import { cacheRequests } from "./metrics";

export function recordCacheRoundtrip(cache: string, result: "hit" | "miss", durationMs?: number): void {
  cacheRequests.inc({ cache, result });
  emitEvent({ name: EVENT_NAMES.cacheRoundtrip, durationMs, tags: { cache, result } });
}
