// `opsdeck export grafana`: one dashboard JSON per domain, importable in Grafana (Dashboards →
// Import) or by file provisioning. Plain JSON in the dashboard model (schemaVersion 39) rather than
// @grafana/grafana-foundation-sdk: a dozen panels do not justify the dependency (docs/decisions.md).
import { loadSlos } from "@/lib/slo/definitions";
import { sloCounters } from "./prometheus-rules";

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

export interface GrafanaDashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: { id: number; type: string; title: string; targets: { refId: string; expr: string }[] }[];
  [key: string]: unknown;
}

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };

function dashboard(uid: string, title: string, description: string, specs: PanelSpec[]): GrafanaDashboard {
  const panels = specs.map((p, i) => {
    const type = p.type ?? "timeseries";
    const width = type === "stat" ? 6 : 12;
    const perRow = 24 / width;
    const steps = [{ color: "green", value: null as number | null }, ...(p.threshold === undefined ? [] : [{ color: "red", value: p.threshold }])];
    return {
      id: i + 1,
      type,
      title: p.title,
      description: p.description,
      datasource: DATASOURCE,
      gridPos: { h: type === "stat" ? 5 : 8, w: width, x: (i % perRow) * width, y: Math.floor(i / perRow) * 8 },
      fieldConfig: {
        defaults: { unit: p.unit ?? "short", thresholds: { mode: "absolute", steps }, ...(type === "timeseries" ? { custom: { thresholdsStyle: { mode: p.threshold === undefined ? "off" : "line" } } } : {}) },
        overrides: [],
      },
      options: type === "stat" ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "background" } : { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi" } },
      targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource: DATASOURCE, expr: t.expr, legendFormat: t.legend })),
    };
  });
  return {
    uid,
    title,
    description,
    tags: ["opsdeck"],
    timezone: "browser",
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    annotations: { list: [] },
    templating: {
      list: [{ name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus", current: {}, hide: 0, refresh: 1 }],
    },
    panels,
  };
}

function fulfillment(): GrafanaDashboard {
  return dashboard("opsdeck-fulfillment", "Opsdeck — Fulfillment", "Task queue throughput, failures, dead letters and worker loop health.", [
    { title: "Queue depth", type: "stat", description: "Tasks pending or scheduled for retry.", targets: [{ expr: "max(fulfillment_queue_depth)", legend: "queued" }] },
    { title: "Dead-lettered now", type: "stat", description: "Tasks waiting in the dead-letter queue.", targets: [{ expr: "max(fulfillment_dead_lettered)", legend: "dead-lettered" }], threshold: 1 },
    { title: "Dead letters (5m)", type: "stat", description: "Tasks dead-lettered in the last 5 minutes (alert FulfillmentTasksDeadLettered).", targets: [{ expr: 'sum(increase(fulfillment_tasks_processed_total{outcome="dead_lettered"}[5m])) or vector(0)', legend: "5m" }], threshold: 1 },
    { title: "Loop errors (5m)", type: "stat", description: "Worker loop failures in the last 5 minutes (alert FulfillmentWorkerLoopErrors).", targets: [{ expr: "sum(increase(fulfillment_loop_errors_total[5m])) or vector(0)", legend: "5m" }], threshold: 1 },
    { title: "Attempts by outcome", unit: "ops", description: "Finished attempts per second by outcome.", targets: [{ expr: "sum by (outcome) (rate(fulfillment_tasks_processed_total[5m]))", legend: "{{outcome}}" }] },
    { title: "Attempts by task type", unit: "ops", description: "Finished attempts per second by task type.", targets: [{ expr: "sum by (task_type) (rate(fulfillment_tasks_processed_total[5m]))", legend: "{{task_type}}" }] },
    { title: "Handler duration p95", unit: "s", description: "95th percentile handler time per attempt.", targets: [{ expr: "histogram_quantile(0.95, sum by (le, task_type) (rate(fulfillment_task_duration_seconds_bucket[5m])))", legend: "{{task_type}}" }] },
    { title: "Queue depth over time", description: "Growing = workers do not keep up.", targets: [{ expr: "max(fulfillment_queue_depth)", legend: "queued" }] },
  ]);
}

function http(): GrafanaDashboard {
  return dashboard("opsdeck-http", "Opsdeck — HTTP API", "Request rate, errors and latency by route template.", [
    { title: "Requests per second", unit: "reqps", description: "By route template.", targets: [{ expr: "sum by (route) (rate(http_requests_total[5m]))", legend: "{{route}}" }] },
    { title: "5xx ratio", unit: "percentunit", description: "Share of requests answered 5xx.", threshold: 0.01, targets: [{ expr: 'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))', legend: "5xx" }] },
    { title: "Latency p95 by route", unit: "s", description: "95th percentile request duration.", threshold: 1, targets: [{ expr: "histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket[5m])))", legend: "{{route}}" }] },
    { title: "4xx by status", unit: "reqps", description: "Client errors: auth failures (401/403) and validation (400/422).", targets: [{ expr: 'sum by (status) (rate(http_requests_total{status=~"4.."}[5m]))', legend: "{{status}}" }] },
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

/** file name → dashboard */
export function grafanaDashboards(): Record<string, GrafanaDashboard> {
  return { "opsdeck-fulfillment.json": fulfillment(), "opsdeck-http.json": http(), "opsdeck-slos.json": slos(), "opsdeck-whatsapp.json": whatsapp() };
}
