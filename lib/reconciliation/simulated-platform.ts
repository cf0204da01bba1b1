import "server-only";
// Demo platforms, simulated in-process: figures are a pure function of (platform, post id), so the
// demo simulator can claim them (honestly or not) and every worker process fetches the same numbers.
// Each platform has its own latency and a recurring outage on the wall clock, so every process
// sees the same outage at the same time and the shared breaker opens once for all of them:
//   tiktok:    HTTP 503 for 45 s of every 4 minutes
//   youtube:   hangs (times out) for 40 s of every 7 minutes
//   instagram: 2 % random errors, never down
// Post ids starting with "deleted-" are unknown to the platform (not_found).
import { createHash } from "node:crypto";
import type { Figures } from "./classify";
import { PlatformFetchError } from "./errors";

interface Profile {
  latencyMs: [number, number];
  outage: { everySeconds: number; forSeconds: number; kind: "error" | "hang" } | null;
  errorRate: number;
}

const PROFILES: Record<string, Profile> = {
  instagram: { latencyMs: [20, 60], outage: null, errorRate: 0.02 },
  tiktok: { latencyMs: [30, 120], outage: { everySeconds: 240, forSeconds: 45, kind: "error" }, errorRate: 0.01 },
  youtube: { latencyMs: [60, 200], outage: { everySeconds: 420, forSeconds: 40, kind: "hang" }, errorRate: 0.01 },
};
const DEFAULT_PROFILE: Profile = { latencyMs: [20, 80], outage: null, errorRate: 0.01 };

function hash(platform: string, postId: string): number {
  return createHash("sha1").update(`${platform}\n${postId}`).digest().readUInt32BE(0);
}

/** The platform's true figures for a post (what an honest affiliate would claim). */
export function simulatedFigures(platform: string, postId: string): { views: number; clicks: number; sales: number } {
  const h = hash(platform, postId);
  const views = 500 + (h % 200_000);
  const clicks = Math.round(views * (0.01 + ((h >>> 8) % 50) / 1000));
  const sales = Math.round(clicks * (0.005 + ((h >>> 16) % 30) / 1000));
  return { views, clicks, sales };
}

/** Whether the platform is in its recurring outage at `now` (shown on the panel's legend too). */
export function simulatedOutage(platform: string, now = Date.now()): boolean {
  const o = (PROFILES[platform] ?? DEFAULT_PROFILE).outage;
  return !!o && Math.floor(now / 1000) % o.everySeconds < o.forSeconds;
}

const scale = () => Number(process.env.RECONCILIATION_SIMULATOR_LATENCY_SCALE ?? 1) || 0;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });
}

export async function simulatedFetch(platform: string, postId: string, signal: AbortSignal): Promise<Figures | null> {
  const p = PROFILES[platform] ?? DEFAULT_PROFILE;
  const [lo, hi] = p.latencyMs;
  if (simulatedOutage(platform) && p.outage?.kind === "hang") await sleep(3_600_000, signal);
  await sleep((lo + Math.random() * (hi - lo)) * scale(), signal);
  if (simulatedOutage(platform)) throw new PlatformFetchError("simulated_outage", `${platform} (simulated) is in its recurring outage: HTTP 503`);
  if (Math.random() < p.errorRate) throw new PlatformFetchError("http_5xx", `${platform} (simulated) answered HTTP 502`);
  if (postId.startsWith("deleted-")) return null;
  return simulatedFigures(platform, postId);
}
