// The exported files must load in the real tools: promtool (Debian package "prometheus") checks
// and unit-tests the rule file, amtool (package "prometheus-alertmanager") checks the config.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileRules } from "@/lib/alerting/registry";
import { EXPORT_KINDS, findExportKind } from "./index";
import { prometheusRules } from "./prometheus-rules";

let dir: string;
const previousUrl = process.env.OPSDECK_PUBLIC_URL;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdeck-exports-"));
  process.env.OPSDECK_PUBLIC_URL = "https://opsdeck.example.com/";
  for (const kind of EXPORT_KINDS) {
    for (const f of kind.files()) {
      fs.mkdirSync(path.dirname(path.join(dir, f.name)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.name), f.content);
    }
  }
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  if (previousUrl === undefined) delete process.env.OPSDECK_PUBLIC_URL;
  else process.env.OPSDECK_PUBLIC_URL = previousUrl;
});

/** Runs a tool; returns its combined output and exit status instead of throwing. */
function run(cmd: string, args: string[]): { status: number; output: string } {
  try {
    const out = execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { status: 0, output: out };
  } catch (err) {
    const e = err as { status: number; stdout?: string; stderr?: string };
    return { status: e.status ?? 1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("prometheus rule file", () => {
  it("passes promtool check rules", () => {
    const r = run("promtool", ["check", "rules", path.join(dir, "opsdeck-rules.yml")]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("carries every Opsdeck rule: translated, or named in the header with the reason", () => {
    const { content, untranslated } = prometheusRules();
    const doc = parseYaml(content) as { groups: { rules: { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[] };
    const alerts = doc.groups.flatMap((g) => g.rules).filter((r) => r.alert);
    const names = alerts.map((r) => r.alert);
    for (const rule of fileRules()) {
      const listed = untranslated.some((u) => u.rule === rule.name) && content.includes(`#   - ${rule.name}: `);
      expect(names.includes(rule.name) || listed, rule.name).toBe(true);
    }
    expect(names).toContain("FulfillmentTasksDeadLettered");
    expect(names).toContain("FulfillmentTaskSuccessBudgetBurnPage1h");
    expect(content).toMatch(/#\s+- FulfillmentEnqueueToDoneBudgetBurnPage1h: .*no Prometheus metric/);
    for (const a of alerts) {
      expect(a.labels?.severity).toMatch(/^(critical|warning|info)$/);
      expect(a.annotations?.runbook_url).toMatch(/^https:\/\/opsdeck\.example\.com\/runbooks\/[a-z0-9-]+$/);
      expect(a.annotations?.summary).not.toMatch(/\{\{\s*value/); // translated to {{ $value }}
    }
  });

  it("fires the fast SLO page and keeps failures-not-retried quiet in promtool test rules", () => {
    // 80 successes and 20 dead letters per minute: error ratio 0.2 > 13.44 × 1 % (28-day factor).
    // Retries keep happening, so "failures not retried" must stay quiet (its `and on()` branch).
    const tests = {
      rule_files: ["opsdeck-rules.yml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            { series: 'fulfillment_tasks_processed_total{task_type="ship",outcome="succeeded"}', values: "0+80x90" },
            { series: 'fulfillment_tasks_processed_total{task_type="ship",outcome="dead_lettered"}', values: "0+20x90" },
            { series: 'fulfillment_tasks_processed_total{task_type="ship",outcome="retried"}', values: "0+5x90" },
          ],
          alert_rule_test: [
            {
              eval_time: "70m",
              alertname: "FulfillmentTaskSuccessBudgetBurnPage1h",
              exp_alerts: [
                {
                  exp_labels: { severity: "critical", slo: "fulfillment-task-success", long_window: "1h", short_window: "5m", service: "fulfillment" },
                  exp_annotations: findAnnotations("FulfillmentTaskSuccessBudgetBurnPage1h"),
                },
              ],
            },
            { eval_time: "70m", alertname: "FulfillmentFailuresNotRetried", exp_alerts: [] },
          ],
          promql_expr_test: [
            // Rounded: PromQL floats give 0.19999999999999996.
            { expr: 'round(1000 * opsdeck_slo:sli_error:ratio_rate1h{slo="fulfillment-task-success"})', eval_time: "70m", exp_samples: [{ labels: '{slo="fulfillment-task-success"}', value: 200 }] },
            { expr: 'opsdeck_slo:sli_total:increase1h{slo="fulfillment-task-success"}', eval_time: "70m", exp_samples: [{ labels: 'opsdeck_slo:sli_total:increase1h{slo="fulfillment-task-success"}', value: 6000 }] },
          ],
        },
      ],
    };
    fs.writeFileSync(path.join(dir, "tests.yml"), JSON.stringify(tests));
    const r = run("promtool", ["test", "rules", path.join(dir, "tests.yml")]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });
});

describe("catalog zero-result alert in promtool", () => {
  it("fires above 0.2 with enough searches and stays quiet below the minimum sample size", () => {
    // Busy: 6 searches with results and 4 without per minute (0.4). Healthy: 9 and 1 (0.1).
    // Quiet: 1 zero-result search every 10 minutes and nothing else (ratio 1, but 3 searches in
    // 30 minutes < 10).
    const series = (values: [string, string]) => [
      { series: 'catalog_searches_total{outcome="results"}', values: values[0] },
      { series: 'catalog_searches_total{outcome="zero_results"}', values: values[1] },
    ];
    const annotations = findAnnotations("CatalogZeroResultsRateHigh");
    const tests = {
      rule_files: ["opsdeck-rules.yml"],
      evaluation_interval: "1m",
      tests: [
        { interval: "1m", input_series: series(["0+6x60", "0+4x60"]), alert_rule_test: [{ eval_time: "50m", alertname: "CatalogZeroResultsRateHigh", exp_alerts: [{ exp_labels: { severity: "warning", domain: "catalog", team: "merchandising" }, exp_annotations: { ...annotations, summary: annotations.summary.replace("{{ $value }}", "0.4") } }] }] },
        { interval: "1m", input_series: series(["0+9x60", "0+1x60"]), alert_rule_test: [{ eval_time: "50m", alertname: "CatalogZeroResultsRateHigh", exp_alerts: [] }] },
        { interval: "10m", input_series: series(["0x6", "0+1x6"]), alert_rule_test: [{ eval_time: "60m", alertname: "CatalogZeroResultsRateHigh", exp_alerts: [] }] },
      ],
    };
    fs.writeFileSync(path.join(dir, "catalog-tests.yml"), JSON.stringify(tests));
    const r = run("promtool", ["test", "rules", path.join(dir, "catalog-tests.yml")]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });
});

function findAnnotations(alert: string): Record<string, string> {
  const doc = parseYaml(prometheusRules().content) as { groups: { rules: { alert?: string; annotations: Record<string, string> }[] }[] };
  return doc.groups.flatMap((g) => g.rules).find((r) => r.alert === alert)!.annotations;
}

describe("alertmanager.yml", () => {
  it("passes amtool check-config", () => {
    const r = run("amtool", ["check-config", path.join(dir, "alertmanager.yml")]);
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("routes pages to PagerDuty, holds no secret, and inhibits tickets of the same SLO", () => {
    const text = fs.readFileSync(path.join(dir, "alertmanager.yml"), "utf8");
    const cfg = parseYaml(text);
    expect(cfg.route.routes.find((r: { receiver: string }) => r.receiver === "pagerduty-pages").matchers).toEqual(['severity="critical"']);
    expect(cfg.receivers.find((r: { name: string }) => r.name === "pagerduty-pages").pagerduty_configs[0].routing_key_file).toMatch(/pagerduty-routing-key$/);
    expect(text).not.toMatch(/hooks\.slack\.com/);
    expect(cfg.inhibit_rules).toEqual([
      { source_matchers: ['severity="critical"', 'slo=~".+"'], target_matchers: ['severity="warning"', 'slo=~".+"'], equal: ["slo"] },
    ]);
    // amtool's routing test: a critical SLO alert reaches Opsdeck, PagerDuty and the page channel.
    const r = run("amtool", ["config", "routes", "test", "--config.file", path.join(dir, "alertmanager.yml"), "severity=critical", "slo=fulfillment-task-success"]);
    expect(r.output.trim()).toBe("opsdeck,pagerduty-pages,slack-pages");
  });
});

describe("grafana dashboards", () => {
  it("are dashboard models with panels that query Prometheus", () => {
    const all = findExportKind("grafana")!.files();
    expect(all.map((f) => f.name)).toEqual([
      "provisioning/dashboards/opsdeck/opsdeck-system.json",
      "provisioning/dashboards/opsdeck/opsdeck-commerce.json",
      "provisioning/dashboards/opsdeck/opsdeck-whatsapp.json",
      "provisioning/dashboards/opsdeck/opsdeck-whatsapp-json.json",
      "provisioning/dashboards/opsdeck/opsdeck-telemetry.json",
      "provisioning/dashboards/opsdeck/opsdeck-slos.json",
      "provisioning/datasources/opsdeck.yaml",
      "provisioning/dashboards/opsdeck.yaml",
    ]);
    // The JSON API dashboard (no PromQL) has its own test: grafana-json-api.test.ts.
    const files = all.filter((f) => f.name.endsWith(".json") && !f.name.endsWith("-json.json"));
    // The provisioning files load the dashboards from where they sit once provisioning/ is /etc/grafana/provisioning.
    const provider = parseYaml(all.find((f) => f.name === "provisioning/dashboards/opsdeck.yaml")!.content);
    expect(provider.providers[0]).toMatchObject({ type: "file", options: { path: "/etc/grafana/provisioning/dashboards/opsdeck" } });
    const datasource = parseYaml(all.find((f) => f.name === "provisioning/datasources/opsdeck.yaml")!.content);
    expect(datasource.datasources[0]).toMatchObject({ type: "prometheus", access: "proxy" });
    expect(datasource.datasources[1]).toMatchObject({ type: "marcusolsson-json-datasource", access: "proxy", url: "https://opsdeck.example.com" });
    const uids = new Set<string>();
    for (const f of files) {
      const d = JSON.parse(f.content);
      expect(d.schemaVersion).toBe(39);
      expect(d.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      uids.add(d.uid);
      expect(d.panels.length).toBeGreaterThan(0);
      const ids = d.panels.map((p: { id: number }) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of d.panels) {
        expect(["timeseries", "stat"]).toContain(p.type);
        expect(p.gridPos.w).toBeGreaterThan(0);
        expect(p.targets.length).toBeGreaterThan(0);
        for (const t of p.targets) expect(t.expr).toMatch(/^[\w(:]/);
      }
    }
    expect(uids.size).toBe(files.length);
    // Every expression is valid PromQL: promtool parses them as recording rules.
    const exprs = files.flatMap((f) => JSON.parse(f.content).panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr)));
    const ruleFile = { groups: [{ name: "grafana-exprs", rules: exprs.map((expr: string, i: number) => ({ record: `grafana_expr_${i}`, expr })) }] };
    fs.writeFileSync(path.join(dir, "grafana-exprs.yml"), JSON.stringify(ruleFile));
    const r = run("promtool", ["check", "rules", path.join(dir, "grafana-exprs.yml")]);
    expect(r.output).toContain("SUCCESS");
  });
});

describe("openslo", () => {
  it("exports each SLO as an OpenSLO v1 document, with Prometheus sources where they exist", () => {
    const docs = parseAllDocuments(findExportKind("openslo")!.files()[0].content).map((d) => d.toJS());
    expect(docs.map((d) => [d.apiVersion, d.kind, d.metadata.name])).toEqual([
      ["openslo/v1", "SLO", "api-availability"],
      ["openslo/v1", "SLO", "api-latency"],
      ["openslo/v1", "SLO", "catalog-search-results"],
      ["openslo/v1", "SLO", "fulfillment-enqueue-to-done"],
      ["openslo/v1", "SLO", "fulfillment-task-success"],
      ["openslo/v1", "SLO", "payments-checkout-success"],
      ["openslo/v1", "SLO", "payments-webhook-processing"],
      ["openslo/v1", "SLO", "reconciliation-attempt-latency"],
      ["openslo/v1", "SLO", "reconciliation-first-attempt"],
      ["openslo/v1", "SLO", "reconciliation-missing-ratio"],
      ["openslo/v1", "SLO", "reconciliation-submission-latency"],
    ]);
    const ratio = (name: string) => docs.find((d) => d.metadata.name === name).spec.indicator.spec.ratioMetric;
    expect(ratio("fulfillment-task-success").good.metricSource).toEqual({ type: "Prometheus", spec: { query: 'sum(fulfillment_tasks_processed_total{outcome="succeeded"})' } });
    expect(ratio("fulfillment-enqueue-to-done").good.metricSource.type).toBe("opsdeck-sql");
    expect(ratio("catalog-search-results").good.metricSource).toEqual({ type: "Prometheus", spec: { query: 'sum(catalog_searches_total{outcome="results"})' } });
    expect(ratio("payments-webhook-processing").good.metricSource).toEqual({ type: "Prometheus", spec: { query: 'sum(payments_webhook_events_total{outcome="processed"})' } });
    expect(ratio("api-latency").good.metricSource).toEqual({ type: "Prometheus", spec: { query: 'sum(http_request_duration_seconds_bucket{le="1"})' } });
    expect(ratio("reconciliation-attempt-latency").good.metricSource).toEqual({ type: "Prometheus", spec: { query: 'sum(reconciliation_attempt_duration_seconds_bucket{le="1"})' } });
    expect(ratio("reconciliation-first-attempt").good.metricSource.type).toBe("opsdeck-sql");
  });
});
