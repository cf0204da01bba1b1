// `opsdeck export grafana`: the dashboards of seed 001 (system overview, the fulfillment/payments/
// catalog family, database and telemetry, SLOs), importable in Grafana (Dashboards →
// Import) or by file provisioning. Plain JSON in the dashboard model (schemaVersion 39) rather than
// @grafana/grafana-foundation-sdk: a dozen panels do not justify the dependency (docs/decisions.md).
import { stringify } from "yaml";
import { loadSlos } from "@/lib/slo/definitions";
import { jsonApiDatasource, whatsappJsonApiDashboard } from "./grafana-json-api";
import { dashboardModel, layout, type GrafanaDashboard } from "./grafana-model";
import { sloCounters } from "./prometheus-rules";

export type { GrafanaDashboard };

interface Target {
  expr: string;
  legend: string;
}

interface PanelSpec {
  title: string;
  description: string;
  type?: "timeseries" | "stat";
  unit?: string;
  targets: Target[];
  /** Red above this value (stat panels and threshold lines). */
  threshold?: number;
}

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };

function dashboard(uid: string, title: string, description: string, specs: PanelSpec[]): GrafanaDashboard {
  const grid = layout(specs.map((p) => p.type ?? "timeseries"));
  const panels = specs.map((p, i) => {
    const type = p.type ?? "timeseries";
    const steps = [{ color: "green", value: null as number | null }, ...(p.threshold === undefined ? [] : [{ color: "red", value: p.threshold }])];
    return {
      id: i + 1,
      type,
      title: p.title,
      description: p.description,
      datasource: DATASOURCE,
      gridPos: grid[i],
      fieldConfig: {
        defaults: { unit: p.unit ?? "short", thresholds: { mode: "absolute", steps }, ...(type === "timeseries" ? { custom: { thresholdsStyle: { mode: p.threshold === undefined ? "off" : "line" } } } : {}) },
        overrides: [],
      },
      options: type === "stat" ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "background" } : { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi" } },
      targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource: DATASOURCE, expr: t.expr, legendFormat: t.legend })),
    };
  });
  return dashboardModel(uid, title, description, { label: "Prometheus", plugin: "prometheus" }, panels);
}

/** Task queue throughput, failures, dead letters and worker loop health. */
const FULFILLMENT_PANELS: PanelSpec[] = [
    { title: "Queue depth", type: "stat", description: "Tasks pending or scheduled for retry.", targets: [{ expr: "max(fulfillment_queue_depth)", legend: "queued" }] },
    { title: "Dead-lettered now", type: "stat", description: "Tasks waiting in the dead-letter queue.", targets: [{ expr: "max(fulfillment_dead_lettered)", legend: "dead-lettered" }], threshold: 1 },
    { title: "Dead letters (5m)", type: "stat", description: "Tasks dead-lettered in the last 5 minutes (alert FulfillmentTasksDeadLettered).", targets: [{ expr: 'sum(increase(fulfillment_tasks_processed_total{outcome="dead_lettered"}[5m])) or vector(0)', legend: "5m" }], threshold: 1 },
    { title: "Loop errors (5m)", type: "stat", description: "Worker loop failures in the last 5 minutes (alert FulfillmentWorkerLoopErrors).", targets: [{ expr: "sum(increase(fulfillment_loop_errors_total[5m])) or vector(0)", legend: "5m" }], threshold: 1 },
    { title: "Attempts by outcome", unit: "ops", description: "Finished attempts per second by outcome.", targets: [{ expr: "sum by (outcome) (rate(fulfillment_tasks_processed_total[5m]))", legend: "{{outcome}}" }] },
    { title: "Attempts by task type", unit: "ops", description: "Finished attempts per second by task type.", targets: [{ expr: "sum by (task_type) (rate(fulfillment_tasks_processed_total[5m]))", legend: "{{task_type}}" }] },
    { title: "Handler duration p95", unit: "s", description: "95th percentile handler time per attempt.", targets: [{ expr: "histogram_quantile(0.95, sum by (le, task_type) (rate(fulfillment_task_duration_seconds_bucket[5m])))", legend: "{{task_type}}" }] },
    { title: "Queue depth over time", description: "Growing = workers do not keep up.", targets: [{ expr: "max(fulfillment_queue_depth)", legend: "queued" }] },
];

/** Checkouts, Stripe webhooks, signature failures and webhook processing time. */
const PAYMENT_PANELS: PanelSpec[] = [
    { title: "Checkout failures (10m)", type: "stat", description: "Failed checkouts in the last 10 minutes (alert PaymentsCheckoutFailures).", targets: [{ expr: 'sum(increase(payments_checkout_total{outcome="failed"}[10m])) or vector(0)', legend: "10m" }], threshold: 1 },
    { title: "Webhook failures (10m)", type: "stat", description: "Webhook events dead-lettered in the last 10 minutes (alert PaymentsWebhookFailures).", targets: [{ expr: 'sum(increase(payments_webhook_events_total{outcome="failed"}[10m])) or vector(0)', legend: "10m" }], threshold: 1 },
    { title: "Signature failures (5m)", type: "stat", description: "Deliveries rejected for a bad signature or stale timestamp (alert PaymentsWebhookSignatureFailures).", targets: [{ expr: 'sum(increase(payments_webhook_events_total{outcome=~"signature_invalid|timestamp_expired"}[5m])) or vector(0)', legend: "5m" }], threshold: 5 },
    { title: "Duplicates (1h)", type: "stat", description: "Replayed deliveries acknowledged and not processed again.", targets: [{ expr: 'sum(increase(payments_webhook_events_total{outcome="duplicate"}[1h])) or vector(0)', legend: "1h" }] },
    { title: "Checkouts by outcome", unit: "ops", description: "Checkouts per second by outcome.", targets: [{ expr: "sum by (outcome) (rate(payments_checkout_total[5m]))", legend: "{{outcome}}" }] },
    { title: "Webhook deliveries by outcome", unit: "ops", description: "Deliveries per second: queued, duplicate, ignored, processed, failed, signature failures.", targets: [{ expr: "sum by (outcome) (rate(payments_webhook_events_total[5m]))", legend: "{{outcome}}" }] },
    { title: "Webhook events by type", unit: "ops", description: "Deliveries per second by event type (handled types, else other).", targets: [{ expr: "sum by (type) (rate(payments_webhook_events_total[5m]))", legend: "{{type}}" }] },
    { title: "Webhook processing p95", unit: "s", description: "95th percentile time to apply an event to its order.", targets: [{ expr: "histogram_quantile(0.95, sum by (le, type) (rate(payments_webhook_processing_seconds_bucket[5m])))", legend: "{{type}}" }] },
];

/** Search volume, zero-result rate against its SLO, clicks and search latency. */
const CATALOG_PANELS: PanelSpec[] = [
    { title: "Zero-result rate", type: "stat", unit: "percentunit", description: "catalog_zero_results_rate: Opsdeck's sliding window; absent below the minimum sample size (alert CatalogZeroResultsRateHigh above 0.2).", targets: [{ expr: "max(catalog_zero_results_rate)", legend: "zero results" }], threshold: 0.2 },
    { title: "Searches per second", type: "stat", unit: "reqps", description: "All replicas.", targets: [{ expr: "sum(rate(catalog_searches_total[5m])) or vector(0)", legend: "searches" }] },
    { title: "Clicks per search (5m)", type: "stat", unit: "percentunit", description: "Result clicks / searches with results.", targets: [{ expr: 'sum(rate(catalog_search_clicks_total[5m])) / sum(rate(catalog_searches_total{outcome="results"}[5m]))', legend: "clicks/search" }] },
    { title: "Search p95", type: "stat", unit: "s", description: "95th percentile search time (typo correction and ranked query).", targets: [{ expr: "histogram_quantile(0.95, sum by (le) (rate(catalog_search_duration_seconds_bucket[5m])))", legend: "p95" }], threshold: 0.02 },
    { title: "Zero-result share over time", unit: "percentunit", description: "Zero-result searches / searches per 5 minutes, with the SLO line at 0.2.", threshold: 0.2, targets: [{ expr: 'sum(rate(catalog_searches_total{outcome="zero_results"}[5m])) / sum(rate(catalog_searches_total[5m]))', legend: "zero results" }] },
    { title: "Searches by outcome", unit: "reqps", description: "Searches per second with and without results.", targets: [{ expr: "sum by (outcome) (rate(catalog_searches_total[5m]))", legend: "{{outcome}}" }] },
];

/**
 * Seed 000's one dashboard "with the fulfillment, payments and catalog panels", which is also seed
 * 001's dashboard for this domain family: each section starts on its own row.
 */
function commerce(): GrafanaDashboard {
  return dashboard(
    "opsdeck-commerce",
    "Opsdeck — Fulfillment, payments and catalog",
    "Task queue, checkouts and Stripe webhooks, catalog search quality: the order path end to end.",
    [...FULFILLMENT_PANELS, ...PAYMENT_PANELS, ...CATALOG_PANELS],
  );
}

/** Seed 001's System overview: the four golden signals of the console's own API and process. */
function system(): GrafanaDashboard {
  return dashboard("opsdeck-system", "Opsdeck — System overview", "Traffic, errors, latency and saturation of the console's API and processes.", [
    { title: "5xx ratio (5m)", type: "stat", unit: "percentunit", description: "Alert ApiHigh5xxRate above 1 %.", threshold: 0.01, targets: [{ expr: '(sum(rate(http_requests_total{status=~"5.."}[5m])) or vector(0)) / sum(rate(http_requests_total[5m]))', legend: "5xx" }] },
    { title: "Latency p95 (10m)", type: "stat", unit: "s", description: "Alert ApiLatencyP95High above 1 s.", threshold: 1, targets: [{ expr: "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[10m])))", legend: "p95" }] },
    { title: "Requests per second", type: "stat", unit: "reqps", description: "Every route, every instance.", targets: [{ expr: "sum(rate(http_requests_total[5m]))", legend: "req/s" }] },
    { title: "Events dropped (1h)", type: "stat", description: "Telemetry events lost to a full buffer (database slow or down).", threshold: 1, targets: [{ expr: "sum(increase(telemetry_events_dropped_total[1h])) or vector(0)", legend: "dropped" }] },
    { title: "Traffic by route", unit: "reqps", description: "Requests per second by route template.", targets: [{ expr: "sum by (route) (rate(http_requests_total[5m]))", legend: "{{route}}" }] },
    { title: "Errors by status", unit: "reqps", description: "4xx (callers' mistakes, auth) and 5xx (ours) per second.", targets: [{ expr: 'sum by (status) (rate(http_requests_total{status=~"[45].."}[5m]))', legend: "{{status}}" }] },
    { title: "Latency p50 / p95 / p99", unit: "s", description: "Request duration percentiles, all routes.", threshold: 1, targets: [0.5, 0.95, 0.99].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))`, legend: `p${q * 100}` })) },
    { title: "Latency p95 by route", unit: "s", description: "The slowest routes; Opsdeck's /performance shows the same per route.", threshold: 1, targets: [{ expr: "histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket[5m])))", legend: "{{route}}" }] },
    { title: "Exceptions", unit: "ops", description: "Unhandled exceptions per second by error class.", targets: [{ expr: "sum by (type) (rate(exceptions_total[5m]))", legend: "{{type}}" }] },
    { title: "Saturation: CPU and event loop", unit: "s", description: "CPU seconds per second per instance, and event-loop lag p99 (requests wait behind it).", targets: [{ expr: "rate(process_cpu_seconds_total[5m])", legend: "cpu {{instance}}" }, { expr: "max(nodejs_eventloop_lag_p99_seconds)", legend: "loop lag p99" }] },
    { title: "Saturation: database pool", description: "Connections in use vs idle, and callers waiting for a connection (should stay 0).", targets: [{ expr: 'sum by (state) (db_pool_connections{state=~"total|idle|waiting"})', legend: "{{state}}" }] },
    { title: "Saturation: memory", unit: "bytes", description: "Resident memory per instance.", targets: [{ expr: "process_resident_memory_bytes", legend: "{{instance}}" }] },
  ]);
}

/** Database, caches, events and traces: the plumbing beneath every domain. */
function telemetry(): GrafanaDashboard {
  return dashboard("opsdeck-telemetry", "Opsdeck — Database and telemetry", "Query latency, slow queries, query budgets, cache hit ratio, background task runtimes and the event pipeline.", [
    { title: "Query p95", type: "stat", unit: "s", description: "95th percentile database query time, every query.", threshold: 0.5, targets: [{ expr: "histogram_quantile(0.95, sum by (le) (rate(db_query_duration_seconds_bucket[5m])))", legend: "p95" }] },
    { title: "Slow queries (1h)", type: "stat", description: "database.slow_query events (over SLOW_QUERY_THRESHOLD_MS).", threshold: 1, targets: [{ expr: 'sum(increase(telemetry_events_total{name="database.slow_query"}[1h])) or vector(0)', legend: "slow" }] },
    { title: "Over query budget (1h)", type: "stat", description: "Requests with more than MAX_QUERIES_PER_REQUEST queries.", threshold: 1, targets: [{ expr: "sum(increase(db_query_budget_exceeded_total[1h])) or vector(0)", legend: "requests" }] },
    { title: "Cache hit ratio", type: "stat", unit: "percentunit", description: "Hits / lookups over all app caches (SLO status cache).", targets: [{ expr: 'sum(rate(cache_requests_total{result="hit"}[15m])) / sum(rate(cache_requests_total[15m]))', legend: "hit ratio" }] },
    { title: "Queries per second", unit: "ops", description: "Database queries per second per instance.", targets: [{ expr: "sum by (instance) (rate(db_query_duration_seconds_count[5m]))", legend: "{{instance}}" }] },
    { title: "Query budget offenders", unit: "ops", description: "Requests over the query budget per second, by route (N+1 suspects).", targets: [{ expr: "sum by (route) (rate(db_query_budget_exceeded_total[15m]))", legend: "{{route}}" }] },
    { title: "Events by name", unit: "ops", description: "Operational events per second by name (slow requests, slow queries, task failures…).", targets: [{ expr: "sum by (name) (rate(telemetry_events_total[5m]))", legend: "{{name}}" }] },
    { title: "Event pipeline", description: "Buffered events per instance, drops and failed batch writes.", targets: [{ expr: "max by (instance) (telemetry_event_buffer_events)", legend: "buffered {{instance}}" }, { expr: "sum(rate(telemetry_events_dropped_total[5m]))", legend: "dropped/s" }, { expr: "sum(rate(telemetry_event_write_errors_total[5m]))", legend: "write errors/s" }] },
    { title: "Task runtime p95 by task", unit: "s", description: "Every worker runtime's tasks (task_runtime_seconds).", targets: [{ expr: "histogram_quantile(0.95, sum by (le, runtime, task) (rate(task_runtime_seconds_bucket[5m])))", legend: "{{runtime}} {{task}}" }] },
    { title: "Task outcomes", unit: "ops", description: "Tasks completed and failed per second by worker runtime.", targets: [{ expr: "sum by (runtime, outcome) (rate(task_runtime_seconds_count[5m]))", legend: "{{runtime}} {{outcome}}" }] },
  ]);
}

function slos(): GrafanaDashboard {
  const specs: PanelSpec[] = [];
  for (const slo of loadSlos()) {
    const sel = `{slo="${slo.name}"}`;
    if ("reason" in sloCounters(slo)) {
      specs.push({ title: `${slo.displayName}: SLI (from Opsdeck)`, type: "stat", unit: "percentunit", description: `Computed from the database only; Prometheus has no metric for it. See /slos/${slo.name} in Opsdeck.`, targets: [{ expr: `opsdeck_slo_sli_ratio${sel}`, legend: "SLI" }] });
      specs.push({ title: `${slo.displayName}: budget left (from Opsdeck)`, type: "stat", unit: "percentunit", description: "Opsdeck's gauge opsdeck_slo_error_budget_remaining_ratio.", targets: [{ expr: `opsdeck_slo_error_budget_remaining_ratio${sel}`, legend: "budget" }] });
      continue;
    }
    specs.push({ title: `${slo.displayName}: SLI (${slo.windowLabel})`, type: "stat", unit: "percentunit", description: slo.objective, targets: [{ expr: `1 - opsdeck_slo:sli_error:ratio_rate${slo.windowLabel}${sel}`, legend: "SLI" }] });
    specs.push({ title: `${slo.displayName}: budget left`, type: "stat", unit: "percentunit", description: "1 − error ratio / allowed error ratio over the SLO window.", targets: [{ expr: `1 - opsdeck_slo:sli_error:ratio_rate${slo.windowLabel}${sel} / (1 - ${slo.target})`, legend: "budget" }] });
    specs.push({ title: `${slo.displayName}: burn rate`, description: "Error ratio / allowed error ratio per window; 1 = budget lasts exactly the window.", targets: ["5m", "1h", "6h", "1d", "3d"].map((w) => ({ expr: `opsdeck_slo:sli_error:ratio_rate${w}${sel} / (1 - ${slo.target})`, legend: w })) });
  }
  return dashboard("opsdeck-slos", "Opsdeck — SLOs", "Error budgets and burn rates of Opsdeck's SLOs (recording rules from `opsdeck export prometheus-rules`).", specs);
}

function whatsapp(): GrafanaDashboard {
  return dashboard("opsdeck-whatsapp", "Opsdeck — WhatsApp ingest", "Collectors' batches from arrival to offer (lib/whatsapp/metrics.ts); the seed's JSON payload is at /metrics/whatsapp.", [
    { title: "Offers created (1h)", type: "stat", description: "Offers stored in the last hour.", targets: [{ expr: 'sum(increase(whatsapp_ingest_messages_total{outcome="offer_created"}[1h])) or vector(0)', legend: "1h" }] },
    { title: "Deduped (1h)", type: "stat", description: "Replays and same-content copies in the last hour.", targets: [{ expr: 'sum(increase(whatsapp_ingest_messages_total{outcome="deduped"}[1h])) or vector(0)', legend: "1h" }] },
    { title: "Extraction errors (1h)", type: "stat", description: "Offer-like messages that failed to parse (alert WhatsappExtractionErrors).", targets: [{ expr: 'sum(increase(whatsapp_ingest_messages_total{outcome="error"}[1h])) or vector(0)', legend: "1h" }], threshold: 1 },
    { title: "Media failures (1h)", type: "stat", description: "Media refused or not stored (alert WhatsappMediaFailures).", targets: [{ expr: 'sum(increase(whatsapp_media_total{outcome="failed"}[1h])) or vector(0)', legend: "1h" }], threshold: 1 },
    { title: "401 / 403 / 429 per minute", description: "Refused ingest requests by reason (alerts WhatsappIngestAuthFailures, WhatsappIngestRateLimited).", targets: [{ expr: "sum by (reason) (increase(whatsapp_ingest_rejections_total[1m]))", legend: "{{reason}}" }] },
    { title: "Ingest → offer p50 / p95", unit: "s", description: "From arrival at the endpoint to the stored offer.", threshold: 1, targets: [{ expr: "histogram_quantile(0.5, sum by (le) (rate(whatsapp_ingest_to_offer_seconds_bucket[5m])))", legend: "p50" }, { expr: "histogram_quantile(0.95, sum by (le) (rate(whatsapp_ingest_to_offer_seconds_bucket[5m])))", legend: "p95" }] },
    { title: "Messages by outcome", unit: "ops", description: "Messages per second by outcome.", targets: [{ expr: "sum by (outcome) (rate(whatsapp_ingest_messages_total[5m]))", legend: "{{outcome}}" }] },
    { title: "Collectors offline", description: "Collectors not open for 2 min or without a successful batch for 10 min (alert WhatsappCollectorOffline).", threshold: 1, targets: [{ expr: "max(whatsapp_collectors_offline)", legend: "offline" }] },
  ]);
}

/** file name → dashboard: seed 001's System overview, then one per domain family. */
export function grafanaDashboards(): Record<string, GrafanaDashboard> {
  return {
    "opsdeck-system.json": system(),
    "opsdeck-commerce.json": commerce(),
    "opsdeck-whatsapp.json": whatsapp(),
    "opsdeck-whatsapp-json.json": whatsappJsonApiDashboard(),
    "opsdeck-telemetry.json": telemetry(),
    "opsdeck-slos.json": slos(),
  };
}

/** Where the dashboards sit inside grafana/provisioning/ (mounted as /etc/grafana/provisioning). */
export const DASHBOARD_DIR = "provisioning/dashboards/opsdeck";

/** Grafana file provisioning: the Prometheus and JSON API datasources and a provider loading the dashboard folder. */
export function grafanaProvisioning(): Record<string, string> {
  const prometheusUrl = process.env.OPSDECK_PROMETHEUS_URL ?? "http://prometheus:9090";
  return {
    "provisioning/datasources/opsdeck.yaml": stringify({
      apiVersion: 1,
      datasources: [
        { name: "Prometheus (Opsdeck)", uid: "opsdeck-prometheus", type: "prometheus", access: "proxy", url: prometheusUrl, isDefault: false, jsonData: { timeInterval: "15s" } },
        jsonApiDatasource(),
      ],
    }),
    "provisioning/dashboards/opsdeck.yaml": stringify({
      apiVersion: 1,
      providers: [{ name: "opsdeck", folder: "Opsdeck", type: "file", disableDeletion: false, allowUiUpdates: true, updateIntervalSeconds: 60, options: { path: `/etc/grafana/${DASHBOARD_DIR}` } }],
    }),
  };
}
