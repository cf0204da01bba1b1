// `opsdeck export prometheus-rules`: the rules Opsdeck evaluates itself, as a Prometheus rule file.
// File rules go through the signal→PromQL table; SLOs become Sloth/Pyrra-style recording rules per
// window (error ratio, event count) plus the same multiwindow burn-rate alerts with the same
// factors and minimum-traffic guard.
import { stringify } from "yaml";
import { fileRules, type FileRule } from "@/lib/alerting/registry";
import { BURN_RATE_WINDOWS, PPM, budgetPpm, windowLabel } from "@/lib/slo/math";
import { loadSlos, type SloDefinition } from "@/lib/slo/definitions";
import { burnRuleDetails } from "@/lib/slo/rules";
import { promCounterOf } from "@/lib/slo/slis";
import { promDuration, promTemplate, runbookUrl, signalPromql } from "./promql";

interface PromRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface Untranslated {
  rule: string;
  reason: string;
}

function fileRuleExpr(rule: FileRule): string | Untranslated {
  const main = signalPromql(rule.signal, rule.windowSeconds);
  if (!main) return { rule: rule.name, reason: `signal "${rule.signal}" has no PromQL equivalent` };
  const parts = [`${main} ${rule.op} ${rule.threshold}`];
  for (const extra of rule.and) {
    const q = signalPromql(extra.signal, rule.windowSeconds);
    if (!q) return { rule: rule.name, reason: `its "and" signal "${extra.signal}" has no PromQL equivalent` };
    parts.push(`${q} ${extra.op} ${extra.threshold}`);
  }
  return parts.join("\nand on() ");
}

function annotations(summary: string, description: string, runbook: string) {
  return { summary: promTemplate(summary), description: promTemplate(description), runbook_url: runbookUrl(runbook) };
}

/** good/total counters of an SLO in PromQL, or why there are none. */
export function sloCounters(slo: SloDefinition): { good: string; total: string } | { reason: string } {
  const good = promCounterOf(slo.good.query, slo.good.thresholdSeconds);
  const total = promCounterOf(slo.total.query, slo.total.thresholdSeconds);
  if (!good || !total) {
    const missing = [!good && slo.good.query, !total && slo.total.query].filter(Boolean).join(", ");
    return { reason: `no Prometheus metric counts ${missing} (the SLI is computed from database rows only)` };
  }
  return { good, total };
}

function budgetText(slo: SloDefinition): string {
  return String(budgetPpm(slo.target) / PPM);
}

const ERROR_RATIO = (w: string) => `opsdeck_slo:sli_error:ratio_rate${w}`;
const TOTAL_EVENTS = (w: string) => `opsdeck_slo:sli_total:increase${w}`;

function sloGroup(slo: SloDefinition, good: string, total: string): { name: string; rules: PromRule[] } {
  const labels = { slo: slo.name };
  const windows = [...new Set([...BURN_RATE_WINDOWS.map((w) => w.label), slo.windowLabel])];
  const rules: PromRule[] = [];
  for (const w of windows) {
    rules.push({
      record: ERROR_RATIO(w),
      // "or vector(0)" on the good side only: no good events yet but some total = ratio 1.
      expr: `1 - ((sum(increase(${good}[${w}])) or vector(0)) / sum(increase(${total}[${w}])))`,
      labels,
    });
  }
  for (const w of ["1h", "6h", "1d", "3d"]) rules.push({ record: TOTAL_EVENTS(w), expr: `sum(increase(${total}[${w}]))`, labels });
  rules.push({ record: "opsdeck_slo:objective:ratio", expr: `vector(${slo.target})`, labels });
  for (const d of burnRuleDetails().filter((x) => x.slo.name === slo.name)) {
    const long = windowLabel(d.window.longSeconds);
    const short = windowLabel(d.window.shortSeconds);
    const threshold = `(${d.factor} * ${budgetText(slo)})`;
    const sel = `{slo="${slo.name}"}`;
    rules.push({
      alert: d.rule.name,
      expr: [
        `${ERROR_RATIO(long)}${sel} > ${threshold}`,
        `and on(slo) ${ERROR_RATIO(short)}${sel} > ${threshold}`,
        `and on(slo) ${TOTAL_EVENTS(long)}${sel} >= ${slo.minEvents}`,
      ].join("\n"),
      for: promDuration(d.rule.forSeconds),
      keep_firing_for: promDuration(d.rule.keepFiringForSeconds),
      labels: { severity: d.rule.severity, ...d.rule.labels },
      annotations: annotations(d.rule.summary, d.rule.description, d.rule.runbook),
    });
  }
  return { name: `opsdeck-slo-${slo.name}`, rules };
}

export function prometheusRules(): { content: string; translated: number; untranslated: Untranslated[] } {
  const untranslated: Untranslated[] = [];
  const alertRules: PromRule[] = [];
  for (const rule of fileRules()) {
    const expr = fileRuleExpr(rule);
    if (typeof expr !== "string") {
      untranslated.push(expr);
      continue;
    }
    alertRules.push({
      alert: rule.name,
      expr,
      for: promDuration(rule.forSeconds),
      keep_firing_for: promDuration(rule.keepFiringForSeconds),
      labels: { severity: rule.severity, ...rule.labels },
      annotations: annotations(rule.summary, rule.description, rule.runbook),
    });
  }
  const groups: { name: string; interval?: string; rules: PromRule[] }[] = [{ name: "opsdeck-alerts", rules: alertRules }];
  for (const slo of loadSlos()) {
    const counters = sloCounters(slo);
    if ("reason" in counters) {
      for (const d of burnRuleDetails().filter((x) => x.slo.name === slo.name)) {
        untranslated.push({ rule: d.rule.name, reason: `SLO "${slo.name}": ${counters.reason}` });
      }
      continue;
    }
    groups.push(sloGroup(slo, counters.good, counters.total));
  }
  const header = [
    "# Generated by `opsdeck export prometheus-rules` from alerting/rules.yaml and slo/*.yaml.",
    "# Do not edit: change the Opsdeck rule or SLO and export again. Check with `promtool check rules <file>`.",
    `# Runbook links point at ${runbookUrl("")} (set OPSDECK_PUBLIC_URL before exporting).`,
    ...(untranslated.length
      ? ["#", "# Rules Opsdeck evaluates that are NOT in this file (no PromQL equivalent; Opsdeck still alerts on them):",
         ...untranslated.map((u) => `#   - ${u.rule}: ${u.reason}`)]
      : []),
  ].join("\n");
  const translated = groups.reduce((n, g) => n + g.rules.filter((r) => r.alert).length, 0);
  return { content: `${header}\n${stringify({ groups }, { lineWidth: 0, aliasDuplicateObjects: false })}`, translated, untranslated };
}
