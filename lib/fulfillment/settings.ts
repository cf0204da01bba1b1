import "server-only";
// The worker's environment contract (seed: FULFILLMENT_WORKER_ENABLED, _POLL_INTERVAL_SECONDS,
// _BATCH_SIZE) plus our additions. Parsed on demand so tests can change process.env.
import { z } from "zod";
import { envFor, envHelpers } from "@/lib/platform/env";

const { bool, int } = envHelpers;
const rate = z.coerce.number().min(0).max(1);

const schema = z.object({
  FULFILLMENT_WORKER_ENABLED: bool(false),
  FULFILLMENT_POLL_INTERVAL_SECONDS: z.coerce.number().positive().default(30),
  FULFILLMENT_BATCH_SIZE: int(25),
  FULFILLMENT_MAX_ATTEMPTS: int(5),
  FULFILLMENT_LEASE_SECONDS: z.coerce.number().positive().default(30),
  FULFILLMENT_CONCURRENCY: int(10),
  FULFILLMENT_TASK_TIMEOUT_SECONDS: z.coerce.number().positive().default(300),
  /** Attempt rows of tasks no longer queued are deleted after this; at least 29 (the SLO windows read 28 days). */
  FULFILLMENT_ATTEMPT_RETENTION_DAYS: z.coerce.number().min(29, "must cover the SLOs' 28-day windows (at least 29)").default(35),
  FULFILLMENT_BACKOFF_BASE_MS: int(1_000),
  FULFILLMENT_BACKOFF_CAP_MS: int(300_000),
  FULFILLMENT_PROVIDER_URL: z.string().url().optional(),
  FULFILLMENT_PROVIDER_TIMEOUT_MS: int(5_000),
  /** > 0: calls go through the shared circuit breaker "fulfillment:provider" (docs/breakers.md); 0 = off. */
  FULFILLMENT_PROVIDER_BREAKER_FAILURE_THRESHOLD: int(0, 0),
  FULFILLMENT_PROVIDER_BREAKER_FAILURE_WINDOW_SECONDS: z.coerce.number().positive().default(60),
  FULFILLMENT_PROVIDER_BREAKER_OPEN_COOLDOWN_SECONDS: z.coerce.number().positive().default(30),
  FULFILLMENT_PROVIDER_BREAKER_HALF_OPEN_PROBE_COUNT: int(1),
  FULFILLMENT_SIMULATED_FAILURE_RATE: rate.default(0.08),
  FULFILLMENT_SIMULATED_NONRETRYABLE_RATE: rate.default(0.02),
  FULFILLMENT_SIMULATED_LATENCY_MS: int(40, 0),
  /** Demo incidents: non-retryable failures happen only during an incident of this length… */
  FULFILLMENT_SIMULATED_INCIDENT_SECONDS: int(120, 0),
  /** …which recurs this often (0 = no calm periods: the non-retryable rate applies all the time). */
  FULFILLMENT_SIMULATED_INCIDENT_EVERY_SECONDS: int(720, 0),
  OPSDECK_DEMO: bool(false),
  OPSDECK_SIMULATOR: bool(false),
  OPSDECK_SIMULATOR_RATE_PER_SECOND: z.coerce.number().positive().default(3),
});

export type FulfillmentSettings = z.infer<typeof schema>;

export function fulfillmentSettings(): FulfillmentSettings {
  return envFor("fulfillment", schema);
}

/** The worker options the environment asks for, in the units createWorker() takes. */
export function workerOptionsFromEnv(s: FulfillmentSettings = fulfillmentSettings()) {
  return {
    batchSize: s.FULFILLMENT_BATCH_SIZE,
    pollIntervalMs: Math.round(s.FULFILLMENT_POLL_INTERVAL_SECONDS * 1000),
    concurrency: s.FULFILLMENT_CONCURRENCY,
    leaseMs: Math.round(s.FULFILLMENT_LEASE_SECONDS * 1000),
    maxAttempts: s.FULFILLMENT_MAX_ATTEMPTS,
    backoffBaseMs: s.FULFILLMENT_BACKOFF_BASE_MS,
    backoffCapMs: s.FULFILLMENT_BACKOFF_CAP_MS,
    taskTimeoutMs: Math.round(s.FULFILLMENT_TASK_TIMEOUT_SECONDS * 1000),
  };
}
