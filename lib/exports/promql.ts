// How Opsdeck's database signals read in PromQL over the metrics Opsdeck exports
// (lib/fulfillment/metrics.ts, lib/platform/metrics.ts). The exporters translate rules through this
// table; a signal missing here has no faithful PromQL equivalent and its rules are listed in the
// exported file's header instead of being dropped silently.
import { windowLabel } from "@/lib/slo/math";
import { catalogSettings } from "@/lib/catalog/settings";

/** `window` is a PromQL range like "5m". */
export const SIGNAL_PROMQL: Record<string, (window: string) => string> = {
  // Counters may not exist yet in a fresh process (no dead letter so far): `or vector(0)` makes
  // "no series" read as 0 so that "== 0" conditions still evaluate.
  fulfillment_dead_lettered_increase: (w) => `(sum(increase(fulfillment_tasks_processed_total{outcome="dead_lettered"}[${w}])) or vector(0))`,
  fulfillment_failed_increase: (w) => `(sum(increase(fulfillment_tasks_processed_total{outcome=~"retried|dead_lettered"}[${w}])) or vector(0))`,
  fulfillment_retried_increase: (w) => `(sum(increase(fulfillment_tasks_processed_total{outcome="retried"}[${w}])) or vector(0))`,
  fulfillment_loop_errors_increase: (w) => `(sum(increase(fulfillment_loop_errors_total[${w}])) or vector(0))`,
  // Every replica reports the same queue-wide gauge (read from the database on scrape): take one.
  fulfillment_queue_depth: () => `max(fulfillment_queue_depth)`,
  auth_signin_failures: (w) => `(sum(increase(auth_signin_attempts_total{outcome=~"failure|throttled"}[${w}])) or vector(0))`,
  payments_checkout_attempts: (w) => `(sum(increase(payments_checkout_total[${w}])) or vector(0))`,
  payments_checkout_failure_ratio: (w) => `sum(increase(payments_checkout_total{outcome="failed"}[${w}])) / sum(increase(payments_checkout_total[${w}]))`,
  payments_webhook_failed_increase: (w) => `(sum(increase(payments_webhook_events_total{outcome="failed"}[${w}])) or vector(0))`,
  payments_webhook_signature_failures_increase: (w) => `(sum(increase(payments_webhook_events_total{outcome=~"signature_invalid|timestamp_expired"}[${w}])) or vector(0))`,
  // The same ratio from the search counter over the rule's window; no value below the minimum sample.
  // Parenthesised whole: `and` binds looser than the rule's comparison.
  catalog_zero_results_rate: (w) =>
    `((sum(increase(catalog_searches_total{outcome="zero_results"}[${w}])) / sum(increase(catalog_searches_total[${w}])))` +
    ` and on() (sum(increase(catalog_searches_total[${w}])) >= ${catalogSettings().CATALOG_ZERO_RESULTS_MIN_SAMPLE_SIZE}))`,
  // The console's API (lib/platform/telemetry/signals.ts), from the route wrapper's HTTP metrics.
  api_requests_increase: (w) => `(sum(increase(http_requests_total[${w}])) or vector(0))`,
  api_5xx_ratio: (w) => `((sum(rate(http_requests_total{status=~"5.."}[${w}])) or vector(0)) / sum(rate(http_requests_total[${w}])))`,
  api_latency_p95_seconds: (w) => `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[${w}])))`,
  whatsapp_auth_rejections: (w) => `(sum(increase(whatsapp_ingest_rejections_total{reason=~"auth_failure|forbidden|signature_failure"}[${w}])) or vector(0))`,
  whatsapp_rate_limited: (w) => `(sum(increase(whatsapp_ingest_rejections_total{reason="rate_limited"}[${w}])) or vector(0))`,
  whatsapp_extraction_error_ratio: (w) =>
    `((sum(increase(whatsapp_ingest_messages_total{outcome="error"}[${w}])) or vector(0)) / clamp_min((sum(increase(whatsapp_ingest_messages_total{outcome="extracted"}[${w}])) or vector(0)), 1))`,
  whatsapp_media_failures: (w) => `(sum(increase(whatsapp_media_total{outcome="failed"}[${w}])) or vector(0))`,
  whatsapp_collectors_offline: () => `(max(whatsapp_collectors_offline) or vector(0))`,
};

export function promDuration(seconds: number): string {
  return seconds === 0 ? "0s" : windowLabel(seconds);
}

export function signalPromql(signal: string, windowSeconds: number): string | undefined {
  return SIGNAL_PROMQL[signal]?.(promDuration(windowSeconds));
}

/** Opsdeck templates ({{ value }}, {{ labels.x }}) → Prometheus templates ({{ $value }}, {{ $labels.x }}). */
export function promTemplate(text: string): string {
  return text.replace(/\{\{\s*value\s*\}\}/g, "{{ $value }}").replace(/\{\{\s*labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, "{{ $labels.$1 }}");
}

/** OPSDECK_PUBLIC_URL without a trailing slash; runbook links in exported files point there. */
export function publicUrl(): string {
  return (process.env.OPSDECK_PUBLIC_URL ?? "http://localhost:3000").replace(/\/+$/, "");
}

export function runbookUrl(slug: string): string {
  return `${publicUrl()}/runbooks/${slug}`;
}
