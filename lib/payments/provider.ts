import "server-only";
// The payment-provider adapter: the real one through the official stripe SDK (API base
// overridable, so tests talk to a stub on 127.0.0.1), and a simulated one for demo mode with a
// decline mix. Both answer in the same small vocabulary; failure reasons are a bounded set so they
// can be metric labels and observability buckets.
import { randomBytes, randomInt } from "node:crypto";
import Stripe from "stripe";
import { AppError } from "@/lib/platform/errors";
import { paymentSettings, type PaymentSettings } from "./settings";

export const FAILURE_REASONS = [
  "card_declined",
  "insufficient_funds",
  "expired_card",
  "incorrect_cvc",
  "processing_error",
  "authentication_required",
  "provider_rejected",
  "provider_unavailable",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export function boundedReason(code: string | null | undefined, fallback: FailureReason): FailureReason {
  return code && (FAILURE_REASONS as readonly string[]).includes(code) ? (code as FailureReason) : fallback;
}

export interface PaymentRequest {
  orderId: string;
  orderReference: string;
  amountCents: number;
  currency: string;
  paymentMethod: string;
  /** Passed to the provider, so a retried call after a crash never charges twice. */
  idempotencyKey: string;
}

export type PaymentResult =
  | { status: "succeeded" | "processing"; providerIntentId: string }
  | { status: "failed"; providerIntentId: string | null; reason: FailureReason; message: string };

export interface PaymentProvider {
  name: "stripe" | "simulated";
  createPayment(req: PaymentRequest): Promise<PaymentResult>;
}

/** The provider could not be reached or answered 5xx: the outcome is unknown, the caller may retry. */
export class ProviderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ProviderUnavailableError";
  }
}

export function stripeClient(s: PaymentSettings = paymentSettings()): Stripe {
  const base = s.STRIPE_API_BASE ? new URL(s.STRIPE_API_BASE) : null;
  return new Stripe(s.STRIPE_SECRET_KEY ?? "sk_unset", {
    timeout: s.STRIPE_TIMEOUT_MS,
    maxNetworkRetries: 1,
    telemetry: false,
    ...(base
      ? { host: base.hostname, port: base.port || (base.protocol === "http:" ? 80 : 443), protocol: base.protocol.replace(":", "") as "http" | "https" }
      : {}),
  });
}

export function stripeProvider(client: Stripe = stripeClient()): PaymentProvider {
  return {
    name: "stripe",
    async createPayment(req) {
      try {
        const pi = await client.paymentIntents.create(
          {
            amount: req.amountCents,
            currency: req.currency.toLowerCase(),
            payment_method: req.paymentMethod,
            automatic_payment_methods: { enabled: true, allow_redirects: "never" },
            confirm: true,
            metadata: { order_id: req.orderId, order_reference: req.orderReference },
          },
          { idempotencyKey: req.idempotencyKey },
        );
        if (pi.status === "succeeded") return { status: "succeeded", providerIntentId: pi.id };
        if (pi.status === "requires_action") return { status: "failed", providerIntentId: pi.id, reason: "authentication_required", message: "The card requires authentication (3-D Secure)." };
        if (pi.status === "canceled" || pi.status === "requires_payment_method") {
          const err = pi.last_payment_error;
          return { status: "failed", providerIntentId: pi.id, reason: boundedReason(err?.decline_code ?? err?.code, "card_declined"), message: err?.message ?? "The payment was not completed." };
        }
        return { status: "processing", providerIntentId: pi.id };
      } catch (err) {
        if (err instanceof Stripe.errors.StripeCardError) {
          return { status: "failed", providerIntentId: err.payment_intent?.id ?? null, reason: boundedReason(err.decline_code ?? err.code, "card_declined"), message: err.message };
        }
        if (err instanceof Stripe.errors.StripeInvalidRequestError) {
          return { status: "failed", providerIntentId: err.payment_intent?.id ?? null, reason: "provider_rejected", message: err.message };
        }
        if (err instanceof Stripe.errors.StripeAuthenticationError || err instanceof Stripe.errors.StripePermissionError) {
          throw new AppError("unavailable", "The payment provider refused our credentials: check STRIPE_SECRET_KEY.");
        }
        throw new ProviderUnavailableError(`Stripe did not answer usably: ${(err as Error).message}`, { cause: err });
      }
    },
  };
}

/**
 * Demo provider. Stripe's test payment methods behave as documented (pm_card_visa succeeds,
 * pm_card_chargeDeclined… declines); any other method declines at PAYMENTS_SIMULATED_DECLINE_RATE.
 */
const TEST_METHODS: Record<string, FailureReason | null> = {
  pm_card_visa: null,
  pm_card_mastercard: null,
  pm_card_chargeDeclined: "card_declined",
  pm_card_chargeDeclinedInsufficientFunds: "insufficient_funds",
  pm_card_chargeDeclinedExpiredCard: "expired_card",
  pm_card_chargeDeclinedIncorrectCvc: "incorrect_cvc",
  pm_card_chargeDeclinedProcessingError: "processing_error",
};
const RANDOM_DECLINES: FailureReason[] = ["card_declined", "card_declined", "insufficient_funds", "expired_card", "incorrect_cvc"];

export function simulatedProvider(declineRate = paymentSettings().PAYMENTS_SIMULATED_DECLINE_RATE, random: () => number = Math.random): PaymentProvider {
  return {
    name: "simulated",
    async createPayment(req) {
      const id = `pi_sim_${randomBytes(12).toString("hex")}`;
      const reason = Object.hasOwn(TEST_METHODS, req.paymentMethod)
        ? TEST_METHODS[req.paymentMethod]
        : random() < declineRate ? RANDOM_DECLINES[randomInt(RANDOM_DECLINES.length)] : null;
      if (reason) return { status: "failed", providerIntentId: id, reason, message: `Simulated decline: ${reason.replaceAll("_", " ")}.` };
      return { status: "succeeded", providerIntentId: id };
    },
  };
}

/** STRIPE_SECRET_KEY → Stripe; demo mode → simulated; otherwise checkout is unavailable (503 naming the fix). */
export function providerFromEnv(s: PaymentSettings = paymentSettings()): PaymentProvider {
  if (s.STRIPE_SECRET_KEY) return stripeProvider(stripeClient(s));
  if (s.OPSDECK_DEMO || s.OPSDECK_SIMULATOR) return simulatedProvider(s.PAYMENTS_SIMULATED_DECLINE_RATE);
  throw new AppError("unavailable", "No payment provider is configured: set STRIPE_SECRET_KEY (and STRIPE_API_BASE for a non-Stripe endpoint), or run in demo mode.");
}
