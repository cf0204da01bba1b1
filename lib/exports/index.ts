// The export kinds behind `opsdeck export <kind>` and /api/v1/exports/<kind>: each yields named files.
import { alertmanagerConfig } from "./alertmanager";
import { DASHBOARD_DIR, grafanaDashboards, grafanaProvisioning } from "./grafana";
import { openSlo } from "./openslo";
import { prometheusRules } from "./prometheus-rules";

export interface ExportFile {
  name: string;
  contentType: string;
  content: string;
}

export interface ExportKind {
  kind: string;
  title: string;
  description: string;
  files: () => ExportFile[];
}

const YAML = "application/yaml; charset=utf-8";

export const EXPORT_KINDS: ExportKind[] = [
  {
    kind: "prometheus-rules",
    title: "Prometheus rules",
    description: "Alert rules and SLO recording/burn-rate rules in PromQL, with runbook links. Load with rule_files; check with promtool.",
    files: () => [{ name: "opsdeck-rules.yml", contentType: YAML, content: prometheusRules().content }],
  },
  {
    kind: "alertmanager",
    title: "Alertmanager config",
    description: "Route tree by severity, PagerDuty and Slack receivers (secrets from files), page-suppresses-ticket inhibition.",
    files: () => [{ name: "alertmanager.yml", contentType: YAML, content: alertmanagerConfig() }],
  },
  {
    kind: "grafana",
    title: "Grafana dashboards",
    description: "Dashboards (System overview; fulfillment, payments and catalog; WhatsApp ingest; database and telemetry; SLOs) and the provisioning files: drop provisioning/ into /etc/grafana/provisioning.",
    files: () => [
      ...Object.entries(grafanaDashboards()).map(([name, d]) => ({ name: `${DASHBOARD_DIR}/${name}`, contentType: "application/json", content: `${JSON.stringify(d, null, 2)}\n` })),
      ...Object.entries(grafanaProvisioning()).map(([name, content]) => ({ name, contentType: YAML, content })),
    ],
  },
  {
    kind: "openslo",
    title: "OpenSLO",
    description: "The SLO definitions as OpenSLO v1 YAML, with Prometheus metric sources where they exist.",
    files: () => [{ name: "opsdeck-slos.yaml", contentType: YAML, content: openSlo() }],
  },
];

export function findExportKind(kind: string): ExportKind | undefined {
  return EXPORT_KINDS.find((k) => k.kind === kind);
}
