import "server-only";
// Prometheus series for payments. Labels are bounded: outcome (fixed sets below) and the webhook
// event type, limited to the handled types plus "other".
import { counter, histogram } from "@/lib/platform/metrics";
import { HANDLED_EVENT_TYPES } from "./task-types";

export const checkoutTotal = counter("payments_checkout_total", "Checkout attempts by outcome (succeeded, failed, processing)", ["outcome"] as const);

export const webhookEventsTotal = counter(
  "payments_webhook_events_total",
  "Webhook deliveries by event type (handled types, else other) and outcome (queued, duplicate, ignored, signature_invalid, timestamp_expired, processed, failed)",
  ["type", "outcome"] as const,
);

export const webhookProcessingSeconds = histogram("payments_webhook_processing_seconds", "Time to apply a webhook event to its order (the queued task's handler)", ["type"] as const, [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
]);

/** The metric label for an event type: a handled type, or "other" (unverified or unknown types). */
export function eventTypeLabel(type: string | null | undefined): string {
  return type && (HANDLED_EVENT_TYPES as readonly string[]).includes(type) ? type : "other";
}
