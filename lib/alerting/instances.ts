import "server-only";
// Alert instances and their timeline, shared by the evaluator, the Alertmanager receiver and
// operator actions. An instance is one episode of an alert (pending → firing → resolved);
// "open" episodes are the ones not yet ended (at most one per fingerprint, enforced by a partial
// unique index).
import { createHash } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/platform/db";
import type { AlertRule } from "./types";

export const OPEN_STATES = ["pending", "firing", "nodata", "error"] as const;
export type AlertStateName = "pending" | "firing" | "resolved" | "inactive" | "nodata" | "error";

export function fingerprint(labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 16);
}

/** The label set an alert carries: alertname and severity first, then the rule's labels. */
export function ruleLabels(rule: AlertRule): Record<string, string> {
  return { alertname: rule.name, severity: rule.severity, ...rule.labels };
}

export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return "no data";
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Summary/description templates: {{ value }} and {{ labels.<name> }}. */
export function renderTemplate(text: string, value: number | null, labels: Record<string, string>): string {
  return text.replace(/\{\{\s*(value|labels\.([A-Za-z_][A-Za-z0-9_]*))\s*\}\}/g, (_, what: string, label?: string) =>
    label ? (labels[label] ?? "") : formatValue(value),
  );
}

export interface EventInput {
  kind: string;
  message: string;
  at: Date;
  fromState?: string | null;
  toState?: string | null;
  value?: number | null;
  actor?: string | null;
  details?: Prisma.InputJsonValue;
}

export async function addEvent(tx: Tx, instanceId: string, e: EventInput): Promise<void> {
  await tx.alertEvent.create({
    data: {
      instanceId,
      kind: e.kind,
      message: e.message,
      at: e.at,
      fromState: e.fromState ?? null,
      toState: e.toState ?? null,
      value: e.value ?? null,
      actor: e.actor ?? null,
      details: e.details,
    },
  });
}
