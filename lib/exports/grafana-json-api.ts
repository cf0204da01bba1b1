// The seed's WhatsApp dashboard for Grafana's JSON API datasource: panels read fields of the
// `GET /metrics/whatsapp` payload (lib/whatsapp/stats.ts metricsPayload) by JSONPath — totals,
// the per-minute `counters` (the 401/403/429 trend) and the `recent_failures` table — so Grafana
// needs no Prometheus. Plugin marcusolsson-json-datasource ("JSON API"); why not
// simpod-json-datasource: docs/decisions.md. The datasource sends the metrics:read key.
import { dashboardModel, layout, type GrafanaDashboard } from "./grafana-model";
import { publicUrl } from "./promql";

export const JSON_API_PLUGIN = "marcusolsson-json-datasource";
/** The payload every panel reads (also served wrapped as `{ whatsapp: … }` at /metrics for JSON clients). */
export const WHATSAPP_METRICS_PATH = "/metrics/whatsapp";

interface Field {
  jsonPath: string;
  name: string;
  type: "number" | "string" | "time";
}

interface JsonPanel {
  title: string;
  description: string;
  type: "stat" | "timeseries" | "table";
  fields: Field[];
  /** Stat reduction over the selected values: `sum` of per-minute counts, `lastNotNull` of a total. */
  calc?: "sum" | "lastNotNull";
  threshold?: number;
  unit?: string;
}

const DATASOURCE = { type: JSON_API_PLUGIN, uid: "${datasource}" };
const minute: Field = { jsonPath: "$.counters[*].minute", name: "minute", type: "time" };
const perMinute = (name: string): Field => ({ jsonPath: `$.counters[*].${name}`, name, type: "number" });
const total = (name: string): Field => ({ jsonPath: `$.totals.${name}`, name, type: "number" });
const failure = (name: string, type: Field["type"] = "string"): Field => ({ jsonPath: `$.recent_failures[*].${name}`, name, type });

const PANELS: JsonPanel[] = [
  { title: "Offers created (60 min)", type: "stat", calc: "sum", description: "Offers stored in the last 60 minutes (sum of counters[].created).", fields: [perMinute("created")] },
  { title: "Deduped (60 min)", type: "stat", calc: "sum", description: "Replays and same-content copies in the last 60 minutes.", fields: [perMinute("deduped")] },
  { title: "Extraction errors (60 min)", type: "stat", calc: "sum", threshold: 1, description: "Offer-like messages that failed to parse (alert WhatsappExtractionErrors).", fields: [perMinute("errors")] },
  { title: "Media failures (60 min)", type: "stat", calc: "sum", threshold: 1, description: "Media refused or not stored (alert WhatsappMediaFailures); reasons in Recent failures.", fields: [perMinute("media_failed")] },
  { title: "401 / 403 / 429 per minute", type: "timeseries", description: "auth_failures (401), forbidden (403, signature_failures among them) and rate_limited (429) per minute; alerts WhatsappIngestAuthFailures and WhatsappIngestRateLimited.", fields: [minute, perMinute("auth_failures"), perMinute("forbidden"), perMinute("signature_failures"), perMinute("rate_limited")] },
  { title: "Messages per minute", type: "timeseries", description: "Accepted, deduped, extracted, offers created and extraction errors per minute.", fields: [minute, perMinute("accepted"), perMinute("deduped"), perMinute("extracted"), perMinute("created"), perMinute("errors")] },
  { title: "Recent failures", type: "table", description: "The last 50 auth, signature, rate-limit and media failures: which client and chat, why, and what to check (detail).", fields: [failure("timestamp", "time"), failure("kind"), failure("client_id"), failure("chat_title"), failure("reason"), failure("status", "number"), failure("detail")] },
  { title: "Accepted (all time)", type: "stat", calc: "lastNotNull", description: "Running total since the database was created.", fields: [total("accepted")] },
  { title: "Offers created (all time)", type: "stat", calc: "lastNotNull", description: "Running total of stored offers.", fields: [total("created")] },
  { title: "Media uploaded / deduped (all time)", type: "stat", calc: "lastNotNull", description: "Media stored once per sha256, and media already held.", fields: [total("media_uploaded"), total("media_deduped")] },
  { title: "Environment", type: "stat", calc: "lastNotNull", description: "OPSDECK_ENV of the instance that answered (the seed's datasource tag).", fields: [{ jsonPath: "$.environment", name: "environment", type: "string" }] },
];

function panel(p: JsonPanel, i: number, gridPos: { h: number; w: number; x: number; y: number }) {
  const steps = [{ color: "green", value: null as number | null }, ...(p.threshold === undefined ? [] : [{ color: "red", value: p.threshold }])];
  const options =
    p.type === "stat"
      ? { reduceOptions: { calcs: [p.calc ?? "lastNotNull"], fields: "", values: false }, colorMode: p.threshold === undefined ? "none" : "background", textMode: "value_and_name" }
      : p.type === "table"
        ? { showHeader: true, sortBy: [{ displayName: "timestamp", desc: true }] }
        : { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi" } };
  return {
    id: i + 1,
    type: p.type,
    title: p.title,
    description: p.description,
    datasource: DATASOURCE,
    gridPos,
    fieldConfig: { defaults: { unit: p.unit ?? "short", thresholds: { mode: "absolute", steps } }, overrides: [] },
    options,
    targets: [
      {
        refId: "A",
        datasource: DATASOURCE,
        method: "GET",
        urlPath: WHATSAPP_METRICS_PATH,
        queryParams: "",
        params: [],
        headers: [["Accept", "application/json"]],
        body: "",
        cacheDurationSeconds: 0,
        fields: p.fields.map((f) => ({ ...f, language: "jsonpath" })),
      },
    ],
  };
}

export function whatsappJsonApiDashboard(): GrafanaDashboard {
  const grid = layout(PANELS.map((p) => p.type));
  return {
    ...dashboardModel(
      "opsdeck-whatsapp-json",
      "Opsdeck — WhatsApp ingest (JSON API)",
      `The seed's dashboard over ${WHATSAPP_METRICS_PATH} (Grafana JSON API datasource, refreshed every 15 s): totals, the per-minute 401/403/429 trend and recent failures.`,
      { label: "Opsdeck JSON API", plugin: JSON_API_PLUGIN },
      PANELS.map((p, i) => panel(p, i, grid[i])),
    ),
    refresh: "15s",
    time: { from: "now-1h", to: "now" },
  };
}

/** Provisioning for the JSON API datasource: the app's URL, and the metrics:read key from Grafana's environment. */
export function jsonApiDatasource() {
  return {
    name: "Opsdeck JSON API",
    uid: "opsdeck-json-api",
    type: JSON_API_PLUGIN,
    access: "proxy",
    url: publicUrl(),
    jsonData: { httpHeaderName1: "Authorization" },
    // Grafana expands $VAR in provisioning files: the key stays in Grafana's environment, not in this file.
    secureJsonData: { httpHeaderValue1: "Bearer $OPSDECK_METRICS_KEY" },
  };
}
