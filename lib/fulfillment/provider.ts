import "server-only";
// The adapter to the fulfillment provider (warehouse, payments, carrier, messaging behind one
// HTTP API). Errors are classified for the worker: 4xx → NonRetryableError (the request itself is
// wrong; retrying cannot help), 5xx / 429 / timeouts / network errors → retryable ProviderError.
// Without FULFILLMENT_PROVIDER_URL in demo mode, a simulated provider with a configurable
// failure mix stands in, so the demo shows retries and dead letters.
import { pool } from "@/lib/platform/db";
import { sharedBreaker, type SharedBreaker } from "@/lib/platform/breakers";
import { NonRetryableError } from "./errors";
import { fulfillmentSettings, type FulfillmentSettings } from "./settings";

export class ProviderError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = "ProviderError";
  }
}

export class ProviderTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProviderTimeoutError";
  }
}

/** A 4xx answer: non-retryable. Its own class so the dead-letter groups read well. */
export class ProviderRejectedError extends NonRetryableError {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = "ProviderRejectedError";
  }
}

export interface Provider {
  call(operation: string, body: Record<string, unknown>): Promise<unknown>;
}

export function httpProvider(baseUrl: string, timeoutMs: number): Provider {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    async call(operation, body) {
      const url = `${base}/${operation}`;
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const e = err as Error;
        if (e.name === "TimeoutError" || e.name === "AbortError") throw new ProviderTimeoutError(`Provider ${operation} timed out after ${timeoutMs} ms`);
        throw new ProviderError(`Provider ${operation} unreachable: ${e.message}`);
      }
      const text = await res.text().catch(() => "");
      if (res.ok) {
        try {
          return text ? JSON.parse(text) : null;
        } catch {
          return text;
        }
      }
      const detail = text.slice(0, 300);
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        throw new ProviderRejectedError(`Provider rejected ${operation} with ${res.status}: ${detail}`, res.status);
      }
      throw new ProviderError(`Provider ${operation} failed with ${res.status}: ${detail}`, res.status);
    },
  };
}

export interface SimulatedMix {
  failureRate: number;
  nonRetryableRate: number;
  latencyMs: number;
  random?: () => number;
  /** When given, non-retryable failures happen only while this returns true (an incident). */
  inIncident?: () => boolean;
}

/**
 * Calm periods broken by incidents, on the wall clock: the first incident starts a minute after
 * `startedAt`, then one every `everySeconds`. Calm periods let the demo's alerts resolve again.
 */
export function incidentSchedule(startedAt: number, durationSeconds: number, everySeconds: number, now = Date.now): () => boolean {
  if (everySeconds <= 0) return () => true;
  return () => {
    const into = ((now() - startedAt) / 1000 - 60 + everySeconds) % everySeconds;
    return into < durationSeconds;
  };
}

/** Demo stand-in: fails with a few distinct, realistic errors so the console has groups to show. */
export function simulatedProvider(mix: SimulatedMix): Provider {
  const rnd = mix.random ?? Math.random;
  return {
    async call(operation, body) {
      if (mix.latencyMs > 0) await new Promise((r) => setTimeout(r, Math.round(mix.latencyMs * (0.5 + rnd()))));
      const roll = rnd();
      const nonRetryableRate = !mix.inIncident || mix.inIncident() ? mix.nonRetryableRate : 0;
      if (roll < nonRetryableRate) {
        const ref = String(body.sku ?? body.orderReference ?? "item");
        const message =
          operation === "capture_payment" ? `Card declined for ${ref}: insufficient funds`
          : operation === "notify_customer" ? `Recipient for ${ref} rejected: address bounced`
          : `Unknown SKU ${ref} at provider`;
        throw new ProviderRejectedError(message, 422);
      }
      if (roll < nonRetryableRate + mix.failureRate) {
        const which = Math.floor(rnd() * 3);
        if (which === 0) throw new ProviderTimeoutError(`Provider ${operation} timed out after 5000 ms`);
        if (which === 1) throw new ProviderError(`Provider ${operation} failed with 503: upstream warehouse unavailable`, 503);
        throw new ProviderError(`Provider ${operation} failed with 502: bad gateway from carrier ${String(body.carrier ?? "api")}`, 502);
      }
      return { ok: true, operation };
    },
  };
}

/**
 * Calls through a shared circuit breaker: once the provider fails often enough, no worker in any
 * process calls it until a probe succeeds; refused calls fail with CircuitOpenError (retryable).
 */
export function breakerProvider(inner: Provider, breaker: Pick<SharedBreaker, "execute">): Provider {
  return { call: (operation, body) => breaker.execute(() => inner.call(operation, body)) };
}

export const PROVIDER_BREAKER = "fulfillment:provider";

function withBreaker(inner: Provider, s: FulfillmentSettings): Provider {
  if (s.FULFILLMENT_PROVIDER_BREAKER_FAILURE_THRESHOLD <= 0) return inner;
  const breaker = sharedBreaker(
    pool(),
    PROVIDER_BREAKER,
    {
      failureThreshold: s.FULFILLMENT_PROVIDER_BREAKER_FAILURE_THRESHOLD,
      failureWindowSeconds: s.FULFILLMENT_PROVIDER_BREAKER_FAILURE_WINDOW_SECONDS,
      openCooldownSeconds: s.FULFILLMENT_PROVIDER_BREAKER_OPEN_COOLDOWN_SECONDS,
      halfOpenProbeCount: s.FULFILLMENT_PROVIDER_BREAKER_HALF_OPEN_PROBE_COUNT,
    },
    // A 4xx is the request's fault, not the provider failing; the adapter's own timeout fires first.
    { isFailure: (err) => !(err instanceof ProviderRejectedError), callTimeoutMs: s.FULFILLMENT_PROVIDER_TIMEOUT_MS + 1_000 },
  );
  return breakerProvider(inner, breaker);
}

/** The provider this process uses: HTTP when configured, simulated in demo mode, else an explanation. */
export function providerFromEnv(): Provider {
  const s = fulfillmentSettings();
  if (s.FULFILLMENT_PROVIDER_URL) return withBreaker(httpProvider(s.FULFILLMENT_PROVIDER_URL, s.FULFILLMENT_PROVIDER_TIMEOUT_MS), s);
  if (s.OPSDECK_DEMO || s.OPSDECK_SIMULATOR) {
    return withBreaker(simulatedProvider({
      failureRate: s.FULFILLMENT_SIMULATED_FAILURE_RATE,
      nonRetryableRate: s.FULFILLMENT_SIMULATED_NONRETRYABLE_RATE,
      latencyMs: s.FULFILLMENT_SIMULATED_LATENCY_MS,
      inIncident: incidentSchedule(Date.now(), s.FULFILLMENT_SIMULATED_INCIDENT_SECONDS, s.FULFILLMENT_SIMULATED_INCIDENT_EVERY_SECONDS),
    }), s);
  }
  return {
    async call(operation) {
      throw new ProviderError(`No fulfillment provider configured for ${operation}: set FULFILLMENT_PROVIDER_URL (or run in demo mode).`);
    },
  };
}
