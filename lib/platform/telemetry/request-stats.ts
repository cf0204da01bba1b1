// Per-minute request statistics: counts and a latency histogram per route template, method and
// status, aggregated in memory and added to http_request_minutes by the writer. They are the
// database-side twin of http_requests_total / http_request_duration_seconds, so Opsdeck's own
// evaluator (API alerts, API SLOs) and the Request performance page see every instance's traffic.
import { processSingleton } from "../global";

/** Upper bounds in ms, matching http_request_duration_seconds' buckets; one more bucket is +Inf. */
export const BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

export interface MinuteStats {
  minute: number;
  route: string;
  method: string;
  status: number;
  requests: number;
  sumMs: number;
  maxMs: number;
  buckets: number[];
}

export const pendingStats = processSingleton("telemetryRequestStats", () => new Map<string, MinuteStats>());

export function bucketIndex(ms: number): number {
  for (let i = 0; i < BUCKETS_MS.length; i++) if (ms <= BUCKETS_MS[i]) return i;
  return BUCKETS_MS.length;
}

export function recordRequest(route: string, method: string, status: number, ms: number, now = Date.now()): void {
  const minute = now - (now % 60_000);
  const key = `${minute}|${route}|${method}|${status}`;
  let s = pendingStats.get(key);
  if (!s) {
    s = { minute, route, method, status, requests: 0, sumMs: 0, maxMs: 0, buckets: new Array(BUCKETS_MS.length + 1).fill(0) };
    pendingStats.set(key, s);
  }
  s.requests++;
  s.sumMs += ms;
  if (ms > s.maxMs) s.maxMs = ms;
  s.buckets[bucketIndex(ms)]++;
}

/** Takes what is pending (the writer puts it back when the write fails). */
export function takePendingStats(): MinuteStats[] {
  const all = [...pendingStats.values()];
  pendingStats.clear();
  return all;
}

export function restorePendingStats(stats: MinuteStats[]): void {
  for (const s of stats) {
    const key = `${s.minute}|${s.route}|${s.method}|${s.status}`;
    const cur = pendingStats.get(key);
    if (!cur) pendingStats.set(key, s);
    else {
      cur.requests += s.requests;
      cur.sumMs += s.sumMs;
      cur.maxMs = Math.max(cur.maxMs, s.maxMs);
      cur.buckets = cur.buckets.map((n, i) => n + s.buckets[i]);
    }
  }
}

/**
 * The q-quantile (0..1) of a bucketed histogram, interpolated linearly inside the bucket like
 * Prometheus' histogram_quantile; the +Inf bucket answers with the largest duration seen.
 */
export function quantileMs(buckets: number[], q: number, maxMs: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    if (seen + buckets[i] >= rank && buckets[i] > 0) {
      if (i === BUCKETS_MS.length) return maxMs;
      const lower = i === 0 ? 0 : BUCKETS_MS[i - 1];
      const upper = Math.min(BUCKETS_MS[i], Math.max(maxMs, lower));
      return lower + (upper - lower) * ((rank - seen) / buckets[i]);
    }
    seen += buckets[i];
  }
  return maxMs;
}
