import "server-only";
// Read models for the alert pages, the overview widget and the API.
import { db } from "@/lib/platform/db";
import type { AlertInstance } from "@/lib/generated/prisma/client";
import { mutingFor } from "./notify/dispatch";
import { findRule } from "./registry";
import type { AlertView } from "./types";

export type { AlertView };

const SEVERITY_ORDER: Record<string, number> = { critical: 0, warning: 1, info: 2 };
const STATE_ORDER: Record<string, number> = { firing: 0, error: 1, nodata: 2, pending: 3 };

function view(i: AlertInstance, muting?: { silencedBy: string[]; inhibitedBy: string | null }): AlertView {
  return {
    id: i.id,
    rule: i.rule,
    source: i.source,
    state: i.state,
    severity: i.severity,
    labels: i.labels as Record<string, string>,
    summary: i.summary,
    description: i.description,
    runbook: i.runbook,
    runbookUrl: i.runbookUrl,
    value: i.value,
    activeAt: i.activeAt.toISOString(),
    firedAt: i.firedAt?.toISOString() ?? null,
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    lastEvalAt: i.lastEvalAt.toISOString(),
    lastError: i.lastError,
    ack: i.ackAt ? { by: i.ackBy ?? "", comment: i.ackComment, at: i.ackAt.toISOString() } : null,
    silencedBy: muting?.silencedBy ?? [],
    inhibitedBy: muting?.inhibitedBy ?? null,
  };
}

/** Open alerts, most urgent first: firing before pending, critical before warning. */
export async function openAlerts(filter: { runbook?: string } = {}): Promise<AlertView[]> {
  const rows = await db().alertInstance.findMany({
    where: { state: { in: ["pending", "firing", "nodata", "error"] }, ...(filter.runbook ? { runbook: filter.runbook } : {}) },
    take: 500,
  });
  const muting = await mutingFor(rows, new Date());
  return rows
    .map((r) => view(r, muting.get(r.id)))
    .sort(
      (a, b) =>
        (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) ||
        (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) ||
        a.activeAt.localeCompare(b.activeAt),
    );
}

export async function resolvedAlerts(limit = 50, filter: { runbook?: string; rule?: string } = {}): Promise<AlertView[]> {
  const rows = await db().alertInstance.findMany({
    where: { state: "resolved", ...(filter.runbook ? { runbook: filter.runbook } : {}), ...(filter.rule ? { rule: filter.rule } : {}) },
    orderBy: { resolvedAt: "desc" },
    take: limit,
  });
  return rows.map((r) => view(r));
}

export async function alertDetail(id: string) {
  const row = await db().alertInstance.findUnique({ where: { id }, include: { events: { orderBy: { id: "asc" }, take: 500 } } });
  if (!row) return null;
  const muting = await mutingFor([row], new Date());
  const rule = row.source === "opsdeck" ? findRule(row.rule) : undefined;
  // The chart window: from a while before the episode began to a while after it ended (or now).
  const start = new Date(row.activeAt.getTime() - 30 * 60_000);
  const endBase = row.resolvedAt ?? new Date();
  const end = new Date(Math.min(endBase.getTime() + 30 * 60_000, Date.now()));
  const samples = await db().alertSample.findMany({ where: { rule: row.rule, at: { gte: start, lte: end } }, orderBy: { at: "asc" }, take: 2000 });
  const deliveries = await db().alertDelivery.findMany({
    where: { instanceIds: { array_contains: [row.id] } },
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { id: true, receiver: true, kind: true, action: true, status: true, attempts: true, lastError: true, lastStatus: true, createdAt: true, deliveredAt: true, nextAttemptAt: true },
  });
  return {
    alert: view(row, muting.get(row.id)),
    rule: rule ? { op: rule.op, threshold: rule.threshold, windowSeconds: rule.windowSeconds, forSeconds: rule.forSeconds, keepFiringForSeconds: rule.keepFiringForSeconds, signal: rule.signal } : null,
    events: row.events.map((e) => ({ id: String(e.id), at: e.at.toISOString(), kind: e.kind, fromState: e.fromState, toState: e.toState, value: e.value, actor: e.actor, message: e.message })),
    samples: samples.map((s) => ({ at: s.at.toISOString(), value: s.value })),
    deliveries: deliveries.map((d) => ({ ...d, createdAt: d.createdAt.toISOString(), deliveredAt: d.deliveredAt?.toISOString() ?? null, nextAttemptAt: d.nextAttemptAt.toISOString() })),
  };
}

/** Recent failed deliveries, for the list page's "notifications failing" note. */
export async function failedDeliveries(limit = 20) {
  return db().alertDelivery.findMany({
    where: { OR: [{ status: "failed" }, { status: "pending", attempts: { gt: 0 } }] },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, receiver: true, kind: true, action: true, status: true, attempts: true, lastError: true, createdAt: true, instanceIds: true },
  });
}

export async function listSilences(now = new Date()) {
  const rows = await db().alertSilence.findMany({ orderBy: { createdAt: "desc" }, take: 200 });
  return rows.map((s) => ({
    id: s.id,
    matchers: s.matchers as unknown as { name: string; value: string; isRegex: boolean; isEqual: boolean }[],
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    comment: s.comment,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    expiredBy: s.expiredBy,
    status: s.expiredAt || s.endsAt <= now ? "expired" : s.startsAt > now ? "pending" : "active",
  }));
}

export async function leaderInfo() {
  return db().alertEvaluatorLeader.findUnique({ where: { id: 1 } });
}
