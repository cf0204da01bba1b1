import "server-only";
// Platform adapters behind one interface. A real platform is reached over HTTP at
// RECONCILIATION_PLATFORM_<NAME>_URL:  GET {base}/posts/{post id}/metrics?from=…&to=…  answering
// {"views": n, "clicks": n, "sales": n} (any subset), 404 when the post is unknown. Without a URL,
// demo mode simulates the platform in-process (simulated-platform.ts). Errors carry a bounded
// `code` for logs and attempt rows; a timeout is its own class so `missing_reason` can say so.
import type { Figures } from "./classify";
import { platformConfig, simulatedPlatforms, type PlatformConfig } from "./settings";
import { simulatedFetch } from "./simulated-platform";
import { PlatformFetchError, PlatformTimeoutError } from "./errors";

export { PlatformFetchError, PlatformTimeoutError };

export interface FetchRequest {
  postId: string;
  periodStart: Date;
  periodEnd: Date;
}

export interface PlatformAdapter {
  readonly platform: string;
  readonly kind: "http" | "simulated" | "unconfigured";
  /** The figures, or null when the platform does not know the post (yet). */
  fetchFigures(req: FetchRequest, signal: AbortSignal): Promise<Figures | null>;
}

const metric = (v: unknown) => (v === undefined || v === null ? null : Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : NaN);

/** Checks the platform's JSON: non-negative integers or absent; anything else is bad_response. */
export function parseFigures(platform: string, body: unknown): Figures {
  if (!body || typeof body !== "object") throw new PlatformFetchError("bad_response", `${platform} answered something other than a JSON object`);
  const b = body as Record<string, unknown>;
  const out: Figures = { views: metric(b.views), clicks: metric(b.clicks), sales: metric(b.sales) };
  const bad = Object.entries(out).find(([, v]) => Number.isNaN(v));
  if (bad) throw new PlatformFetchError("bad_response", `${platform} answered ${bad[0]}=${JSON.stringify(b[bad[0]])}; expected a non-negative integer`);
  return out;
}

/** Runs `fn` with a signal that aborts on the caller's signal or after the timeout (PlatformTimeoutError). */
async function withTimeout<T>(platform: string, timeoutMs: number, outer: AbortSignal, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timer = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([outer, timer]);
  try {
    return await fn(signal);
  } catch (err) {
    if (timer.aborted) throw new PlatformTimeoutError(platform, timeoutMs);
    throw err;
  }
}

export function httpAdapter(cfg: PlatformConfig & { baseUrl: string }): PlatformAdapter {
  return {
    platform: cfg.name,
    kind: "http",
    fetchFigures: (req, outer) =>
      withTimeout(cfg.name, cfg.timeoutMs, outer, async (signal) => {
        const url = `${cfg.baseUrl}/posts/${encodeURIComponent(req.postId)}/metrics?from=${encodeURIComponent(req.periodStart.toISOString())}&to=${encodeURIComponent(req.periodEnd.toISOString())}`;
        let res: Response;
        try {
          res = await fetch(url, { signal, headers: { accept: "application/json" } });
        } catch (err) {
          if (signal.aborted) throw err;
          throw new PlatformFetchError("network", `${cfg.name} unreachable: ${(err as Error).cause ? String((err as { cause: unknown }).cause) : (err as Error).message}`);
        }
        if (res.status === 404) {
          await res.body?.cancel();
          return null;
        }
        if (!res.ok) {
          const text = (await res.text().catch(() => "")).slice(0, 200);
          throw new PlatformFetchError(res.status >= 500 ? "http_5xx" : "http_4xx", `${cfg.name} answered HTTP ${res.status}${text ? `: ${text}` : ""}`);
        }
        const body = await res.json().catch(() => {
          throw new PlatformFetchError("bad_response", `${cfg.name} answered HTTP ${res.status} with a body that is not JSON`);
        });
        return parseFigures(cfg.name, body);
      }),
  };
}

function simulatedAdapter(cfg: PlatformConfig): PlatformAdapter {
  return {
    platform: cfg.name,
    kind: "simulated",
    fetchFigures: (req, outer) => withTimeout(cfg.name, cfg.timeoutMs, outer, (signal) => simulatedFetch(cfg.name, req.postId, signal)),
  };
}

function unconfiguredAdapter(name: string): PlatformAdapter {
  return {
    platform: name,
    kind: "unconfigured",
    async fetchFigures() {
      throw new PlatformFetchError("unconfigured", `No base URL for ${name}: set RECONCILIATION_PLATFORM_${name.toUpperCase()}_URL (or run in demo mode for a simulated platform)`);
    },
  };
}

/** The adapter for a platform, from the current environment. */
export function adapterFor(platform: string): PlatformAdapter {
  const cfg = platformConfig(platform);
  if (cfg.baseUrl) return httpAdapter({ ...cfg, baseUrl: cfg.baseUrl });
  return simulatedPlatforms() ? simulatedAdapter(cfg) : unconfiguredAdapter(platform);
}
