// Payments' SLI event queries (see lib/slo/slis.ts for the contract: one row per event with `ts`
// in [$1, $2), $3 the threshold or null).
//
// Checkout success counts every checkout that finished at the provider; only failures on our side
// or the provider's (unavailable, rejected request, processing error) are bad. A card decline is
// the customer's bank saying no: the service worked.
import type { SliQuery } from "@/lib/slo/slis";

const SERVICE_FAILURES = `('provider_unavailable', 'provider_rejected', 'processing_error')`;

export const paymentSliQueries: Record<string, SliQuery> = {
  payments_checkouts_served: {
    description: "Finished checkouts that did not fail on our or the provider's side (declines are served).",
    sql: `select updated_at as ts from payment_intents
          where status <> 'processing' and updated_at >= $1 and updated_at < $2 and $3::float8 is null
            and (failure_reason is null or failure_reason not in ${SERVICE_FAILURES})`,
  },
  payments_checkouts_finished: {
    description: "Checkouts that finished at the provider (any status but processing).",
    sql: `select updated_at as ts from payment_intents where status <> 'processing' and updated_at >= $1 and updated_at < $2 and $3::float8 is null`,
  },
  payments_webhooks_processed: {
    description: "Webhook events of a handled type that were applied to their order, timed by receipt.",
    sql: `select received_at as ts from payment_webhook_events where outcome = 'processed' and received_at >= $1 and received_at < $2 and $3::float8 is null`,
    promCounter: `payments_webhook_events_total{outcome="processed"}`,
  },
  payments_webhooks_finished: {
    description: "Webhook events of a handled type that were processed or failed for good, timed by receipt.",
    sql: `select received_at as ts from payment_webhook_events where outcome in ('processed', 'failed') and received_at >= $1 and received_at < $2 and $3::float8 is null`,
    promCounter: `payments_webhook_events_total{outcome=~"processed|failed"}`,
  },
};
