import "server-only";
// Payments' environment contract. Parsed on demand so tests can change process.env.
import { z } from "zod";
import { envFor, envHelpers } from "@/lib/platform/env";
import { demoWebhookSecret } from "./demo-secret";

const { bool, int } = envHelpers;
const rate = z.coerce.number().min(0).max(1);

const schema = z.object({
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** One secret, or several separated by commas while a rotation is under way. */
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  /** Where the Stripe SDK sends API calls (tests: a stub on 127.0.0.1). Default: Stripe's API. */
  STRIPE_API_BASE: z.string().url().optional(),
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: int(300),
  STRIPE_TIMEOUT_MS: int(10_000),
  PAYMENTS_SIMULATED_DECLINE_RATE: rate.default(0.12),
  PAYMENTS_SIMULATOR_RATE_PER_SECOND: z.coerce.number().min(0).default(0.5),
  /** Demo incidents (late webhooks that dead-letter, a bad signature) recur this often… */
  PAYMENTS_SIMULATED_INCIDENT_EVERY_SECONDS: int(600, 0),
  OPSDECK_DEMO: bool(false),
  OPSDECK_SIMULATOR: bool(false),
  /** Where the demo simulator posts its webhooks: this process's own HTTP listener. */
  PORT: int(3000),
  AUTH_SECRET: z.string().optional(),
});

export type PaymentSettings = z.infer<typeof schema>;

export function paymentSettings(): PaymentSettings {
  return envFor("payments", schema);
}

/**
 * The accepted webhook secrets, newest first. Demo mode without a configured secret derives one
 * from AUTH_SECRET (stable across restarts, identical on every instance), so the simulator's
 * signed webhooks verify out of the box.
 */
export function webhookSecrets(s: PaymentSettings = paymentSettings()): string[] {
  const configured = (s.STRIPE_WEBHOOK_SECRET ?? "").split(",").map((x) => x.trim()).filter(Boolean);
  if (configured.length) return configured;
  if (s.OPSDECK_DEMO && s.AUTH_SECRET) return [demoWebhookSecret(s.AUTH_SECRET)];
  return [];
}
