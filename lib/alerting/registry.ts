// The alerting registry: every domain's signals, every source of rules (the reviewed
// alerting/rules.yaml plus generators such as SLO burn-rate rules) and the inhibit rules.
// validateRules() is what CI runs (lib/alerting/registry.test.ts): a broken rule set fails the build.
import fs from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { fulfillmentSignals } from "@/lib/fulfillment/signals";
import { authSignals } from "@/lib/platform/auth/signals";
import { paymentSignals } from "@/lib/payments/signals";
import { catalogSignals } from "@/lib/catalog/signals";
import { whatsappSignals } from "@/lib/whatsapp/signals";
import { sloRules, sloSignals } from "@/lib/slo/rules";
import { apiSignals } from "@/lib/platform/telemetry/signals";
import { reconciliationBreakerSignals } from "@/lib/reconciliation/breaker-signals";
import { reconciliationSignals } from "@/lib/reconciliation/signals";
import { COMPARISONS, SEVERITIES, compare, type AlertRule, type InhibitRule, type Signal, type SignalContext } from "./types";

export const signals: Signal[] = [...fulfillmentSignals, ...authSignals, ...paymentSignals, ...catalogSignals, ...whatsappSignals, ...sloSignals(), ...apiSignals, ...reconciliationBreakerSignals, ...reconciliationSignals];

export function findSignal(name: string): Signal | undefined {
  return signals.find((s) => s.name === name);
}

/** "90", "90s", "5m", "4h", "1d" → seconds. */
export function parseDuration(v: string | number): number {
  if (typeof v === "number") return v;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(v.trim());
  if (!m) throw new Error(`"${v}" is not a duration (use e.g. 30s, 5m, 4h, 1d)`);
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  return unit === "ms" ? n / 1000 : n * { s: 1, m: 60, h: 3600, d: 86400 }[unit as "s" | "m" | "h" | "d"];
}

const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
});

const op = z.enum(COMPARISONS as [string, ...string[]]);
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "label names are letters, digits and _");

const conditionSchema = z.object({ signal: z.string().min(1), op, threshold: z.number() }).strict();

const ruleSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "rule names are letters, digits and _ (Prometheus alert names)"),
    signal: z.string().min(1),
    op,
    threshold: z.number(),
    window: duration,
    for: duration.default(0),
    keep_firing_for: duration.default(0),
    severity: z.enum(SEVERITIES as [string, ...string[]]),
    labels: z.record(labelName, z.string()).default({}),
    summary: z.string().min(1),
    description: z.string().min(1),
    runbook: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "runbook is a slug: docs/runbooks/<slug>.md"),
    /** Extra conditions that must all hold too, each over the same window (e.g. retried stays 0). */
    and: z.array(conditionSchema).default([]),
  })
  .strict();

export const rulesFileSchema = z.object({ rules: z.array(ruleSchema) }).strict();

export type ExtraCondition = z.infer<typeof conditionSchema>;
/** Rules loaded from YAML keep their extra conditions visible (exporters translate them to PromQL). */
export type FileRule = AlertRule & { and: ExtraCondition[] };

export const RULES_FILE = "alerting/rules.yaml";

function repoPath(rel: string): string {
  return path.resolve(process.env.OPSDECK_ROOT ?? process.cwd(), rel);
}

/** Builds the combined condition: main signal op threshold AND every extra condition. */
function conditionFor(rule: Omit<FileRule, "condition">): AlertRule["condition"] {
  if (rule.and.length === 0) return undefined;
  return async (ctx: SignalContext) => {
    const value = await evaluateSignal(rule.signal, ctx, rule.windowSeconds);
    if (value === null) return { firing: false, value: null };
    let firing = compare(value, rule.op, rule.threshold);
    for (const extra of rule.and) {
      const v = await evaluateSignal(extra.signal, ctx, rule.windowSeconds);
      if (v === null || !compare(v, extra.op as AlertRule["op"], extra.threshold)) firing = false;
    }
    return { firing, value };
  };
}

async function evaluateSignal(name: string, ctx: SignalContext, windowSeconds: number): Promise<number | null> {
  const s = findSignal(name);
  if (!s) throw new Error(`unknown signal "${name}"`);
  return s.evaluate(ctx, windowSeconds);
}

export function parseRulesYaml(text: string, where = RULES_FILE): FileRule[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new Error(`${where} is not valid YAML: ${(err as Error).message}`);
  }
  const parsed = rulesFileSchema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`${where} is invalid: ${problems}`);
  }
  return parsed.data.rules.map((r) => {
    const base = {
      name: r.name,
      signal: r.signal,
      op: r.op as AlertRule["op"],
      threshold: r.threshold,
      windowSeconds: r.window,
      forSeconds: r.for,
      keepFiringForSeconds: r.keep_firing_for,
      severity: r.severity as AlertRule["severity"],
      labels: r.labels,
      summary: r.summary,
      description: r.description,
      runbook: r.runbook,
      and: r.and,
    };
    return { ...base, condition: conditionFor(base) };
  });
}

let fileCache: { mtimeMs: number; rules: FileRule[] } | undefined;
/** The reviewed rule file; re-read when it changes on disk. */
export function fileRules(): FileRule[] {
  const file = repoPath(RULES_FILE);
  const stat = fs.statSync(file);
  if (!fileCache || fileCache.mtimeMs !== stat.mtimeMs) {
    fileCache = { mtimeMs: stat.mtimeMs, rules: parseRulesYaml(fs.readFileSync(file, "utf8"), file) };
  }
  return fileCache.rules;
}

/** Rule generators; other areas (SLO burn-rate rules) push theirs here. */
export const ruleSources: (() => AlertRule[])[] = [fileRules, sloRules];

/** A page suppresses the ticket of the same SLO (Alertmanager inhibit_rules semantics). */
export const inhibitRules: InhibitRule[] = [
  { sourceMatch: { severity: "critical" }, targetMatch: { severity: "warning" }, equal: ["slo"] },
];

export function allRules(): AlertRule[] {
  return ruleSources.flatMap((source) => source());
}

export function findRule(name: string): AlertRule | undefined {
  return allRules().find((r) => r.name === name);
}

export function runbookPath(slug: string): string {
  return repoPath(path.join("docs", "runbooks", `${slug}.md`));
}

/** Every problem with the rule set, as sentences; empty = valid. */
export function ruleProblems(rules: AlertRule[] = allRules()): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of rules) {
    const at = `rule "${r.name}"`;
    if (seen.has(r.name)) problems.push(`${at} is defined more than once; rule names must be unique.`);
    seen.add(r.name);
    if (!findSignal(r.signal)) problems.push(`${at} uses unknown signal "${r.signal}" (known: ${signals.map((s) => s.name).join(", ")}).`);
    for (const extra of (r as Partial<FileRule>).and ?? []) {
      if (!findSignal(extra.signal)) problems.push(`${at} has an "and" condition on unknown signal "${extra.signal}".`);
    }
    if (!fs.existsSync(runbookPath(r.runbook))) problems.push(`${at} names runbook "${r.runbook}" but docs/runbooks/${r.runbook}.md does not exist.`);
    if (!Number.isFinite(r.threshold)) problems.push(`${at} has a threshold that is not a finite number.`);
    if (!(r.windowSeconds > 0) || !Number.isFinite(r.windowSeconds)) problems.push(`${at} needs a window greater than 0.`);
    for (const [k, v] of [["for", r.forSeconds], ["keep_firing_for", r.keepFiringForSeconds]] as const) {
      if (!(v >= 0) || !Number.isFinite(v)) problems.push(`${at} has a negative or invalid ${k}.`);
    }
    if (!(SEVERITIES as readonly string[]).includes(r.severity)) problems.push(`${at} has unknown severity "${r.severity}".`);
    if (!(COMPARISONS as readonly string[]).includes(r.op)) problems.push(`${at} has unknown comparison "${r.op}".`);
    if (!r.summary?.trim() || !r.description?.trim()) problems.push(`${at} needs a summary and a description.`);
  }
  return problems;
}

/** Throws with every problem listed; CI runs this. */
export function validateRules(rules?: AlertRule[]): AlertRule[] {
  const list = rules ?? allRules();
  const problems = ruleProblems(list);
  if (problems.length) throw new Error(`The alert rule set is invalid:\n- ${problems.join("\n- ")}`);
  return list;
}
