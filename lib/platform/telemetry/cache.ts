// Cache round-trip instrumentation (seed 002's cache.roundtrip): every lookup of an app cache
// counts in cache_requests_total{cache,result}; up to TELEMETRY_CACHE_EVENTS_PER_SECOND of them per
// cache and result become cache.roundtrip events. Every signed-in API request looks caches up, so
// an event per lookup meant an event row per request at any rate, as task events did (tasks.ts).
import { EVENT_NAMES, emitEvent, eventSampler } from "./events";
import { cacheRequests } from "./metrics";
import { telemetrySettings } from "./settings";

const sampled = eventSampler(() => telemetrySettings().TELEMETRY_CACHE_EVENTS_PER_SECOND);

export function recordCacheRoundtrip(cache: string, result: "hit" | "miss", durationMs?: number): void {
  cacheRequests.inc({ cache, result });
  if (sampled(`${cache}\u0000${result}`)) emitEvent({ name: EVENT_NAMES.cacheRoundtrip, durationMs, tags: { cache, result } });
}
