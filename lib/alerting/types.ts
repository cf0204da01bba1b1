// The alerting contracts every domain codes against: signals (numbers over a window, computed
// from the database), rules over signals, and inhibit rules. Kept free of server-only imports so
// exporters and the CLI can share them.
import type { Pool } from "pg";

export interface SignalContext {
  now: Date;
  pool: Pool;
}

export interface Signal {
  name: string;
  domain: string;
  description: string;
  unit?: string;
  /** value over [now - windowSeconds, now]; null = no data */
  evaluate(ctx: SignalContext, windowSeconds: number): Promise<number | null>;
}

export type Comparison = ">" | ">=" | "<" | "<=" | "==" | "!=";
export type Severity = "critical" | "warning" | "info";

export interface AlertRule {
  name: string;
  signal: string;
  op: Comparison;
  threshold: number;
  windowSeconds: number;
  forSeconds: number;
  keepFiringForSeconds: number;
  severity: Severity;
  labels: Record<string, string>;
  summary: string;
  description: string;
  /** slug in docs/runbooks/<slug>.md */
  runbook: string;
  /**
   * optional: a rule whose condition needs more than one signal (e.g. "failed increases while
   * retried stays 0", or multiwindow burn rates)
   */
  condition?: (ctx: SignalContext) => Promise<{ firing: boolean; value: number | null }>;
}

export interface InhibitRule {
  sourceMatch: Record<string, string>;
  targetMatch: Record<string, string>;
  equal: string[];
}

export const COMPARISONS: readonly Comparison[] = [">", ">=", "<", "<=", "==", "!="];
export const SEVERITIES: readonly Severity[] = ["critical", "warning", "info"];

export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case "==":
      return value === threshold;
    case "!=":
      return value !== threshold;
  }
}

/** An alert as pages and the API show it (dates as ISO strings; client-safe). */
export interface AlertView {
  id: string;
  rule: string;
  source: string;
  state: string;
  severity: string;
  labels: Record<string, string>;
  summary: string;
  description: string;
  runbook: string | null;
  runbookUrl: string | null;
  value: number | null;
  activeAt: string;
  firedAt: string | null;
  resolvedAt: string | null;
  lastEvalAt: string;
  lastError: string | null;
  ack: { by: string; comment: string | null; at: string } | null;
  silencedBy: string[];
  inhibitedBy: string | null;
}
