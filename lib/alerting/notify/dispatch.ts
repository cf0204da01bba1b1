import "server-only";
// Notifications: plan (which groups are due, per receiver: group_wait / group_interval /
// repeat_interval, skipping silenced and inhibited alerts) and deliver (send due delivery rows;
// retry 429/5xx/network errors with exponential backoff, honouring Retry-After; give up after
// ALERT_NOTIFY_MAX_ATTEMPTS). Both steps take `now` and run on the evaluator leader only.
import type { AlertInstance, Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/platform/db";
import { logger } from "@/lib/platform/logger";
import { counter } from "@/lib/platform/metrics";
import { inhibitRules } from "../registry";
import { inhibitedBy, matchesAll, type Matcher } from "../matchers";
import { addEvent } from "../instances";
import { allReceivers, notifySettings, publicUrl, routes, type Receiver } from "./receivers";
import { pagerDutyPayload, slackPayload, webhookPayload, type Action, type NotifyAlert } from "./payloads";

const deliveriesMetric = counter("opsdeck_alert_notifications_total", "Notification delivery attempts by receiver kind and result", ["kind", "result"] as const);

export function toNotifyAlert(i: AlertInstance): NotifyAlert {
  return {
    id: i.id,
    fingerprint: i.fingerprint,
    rule: i.rule,
    status: i.state === "firing" ? "firing" : "resolved",
    severity: i.severity,
    labels: i.labels as Record<string, string>,
    summary: i.summary,
    description: i.description,
    runbook: i.runbook,
    runbookUrl: i.runbookUrl,
    value: i.value,
    firedAt: i.firedAt,
    activeAt: i.activeAt,
    resolvedAt: i.resolvedAt,
  };
}

export function buildPayload(receiver: Receiver, action: Action, groupKey: string, alerts: NotifyAlert[]): Prisma.InputJsonValue {
  const base = publicUrl();
  switch (receiver.kind) {
    case "slack":
      return slackPayload(action, alerts, base) as Prisma.InputJsonValue;
    case "pagerduty":
      return pagerDutyPayload(action, groupKey, alerts, base) as Prisma.InputJsonValue;
    case "webhook":
      return webhookPayload(action, receiver.name, groupKey, alerts, base) as Prisma.InputJsonValue;
  }
}

export async function activeSilences(now: Date) {
  return db().alertSilence.findMany({ where: { startsAt: { lte: now }, endsAt: { gt: now }, expiredAt: null } });
}

/** Why an alert is muted right now, if it is: a silence id or the inhibiting fingerprint. */
export interface Muting {
  silencedBy: string[];
  inhibitedBy: string | null;
}

export async function mutingFor(instances: AlertInstance[], now: Date): Promise<Map<string, Muting>> {
  const silences = await activeSilences(now);
  const firing = instances.filter((i) => i.state === "firing").map((i) => ({ fingerprint: i.fingerprint, labels: i.labels as Record<string, string> }));
  const out = new Map<string, Muting>();
  for (const i of instances) {
    const labels = i.labels as Record<string, string>;
    out.set(i.id, {
      silencedBy: silences.filter((s) => matchesAll(s.matchers as unknown as Matcher[], labels)).map((s) => s.id),
      inhibitedBy: inhibitedBy(inhibitRules, firing, { fingerprint: i.fingerprint, labels }),
    });
  }
  return out;
}

async function enqueue(receiver: Receiver, action: Action, groupKey: string, instances: AlertInstance[], now: Date): Promise<void> {
  const alerts = instances.map(toNotifyAlert);
  const payload = buildPayload(receiver, action, groupKey, alerts);
  await db().$transaction(async (tx) => {
    const d = await tx.alertDelivery.create({
      data: { receiver: receiver.name, kind: receiver.kind, groupKey, action, instanceIds: instances.map((i) => i.id), payload, nextAttemptAt: now, createdAt: now },
    });
    for (const i of instances) {
      await addEvent(tx, i.id, { kind: "notify_queued", at: now, message: `${action} queued for ${receiver.kind} receiver "${receiver.name}".`, details: { deliveryId: d.id } });
    }
  });
}

function hashOf(fps: string[]): string {
  return [...fps].sort().join(",");
}

/** Decide which groups are due and queue their deliveries. */
export async function planNotifications(now: Date): Promise<number> {
  const s = notifySettings();
  const receivers = await allReceivers();
  if (receivers.length === 0) return 0;
  const firingAll = await db().alertInstance.findMany({ where: { state: "firing" }, orderBy: { firedAt: "asc" } });
  const muting = await mutingFor(firingAll, now);
  // External alerts came from an Alertmanager that already notifies for them.
  const notifiable = firingAll.filter((i) => {
    if (i.source === "external") return false;
    const m = muting.get(i.id)!;
    return m.silencedBy.length === 0 && !m.inhibitedBy;
  });
  let queued = 0;
  for (const receiver of receivers) {
    const mine = notifiable.filter((i) => routes(receiver, i.labels as Record<string, string>));
    const byGroup = new Map<string, AlertInstance[]>();
    for (const i of mine) {
      const key = `${receiver.name}:{alertname="${i.rule}"}`;
      byGroup.set(key, [...(byGroup.get(key) ?? []), i]);
    }
    const known = await db().alertNotificationGroup.findMany({ where: { receiver: receiver.name } });
    const keys = new Set([...byGroup.keys(), ...known.map((k) => k.groupKey)]);
    for (const groupKey of keys) {
      const firing = byGroup.get(groupKey) ?? [];
      const row = known.find((k) => k.groupKey === groupKey);
      const hash = hashOf(firing.map((i) => i.fingerprint));
      const age = (d: Date | null | undefined) => (d ? (now.getTime() - d.getTime()) / 1000 : Infinity);
      if (!row) {
        if (firing.length === 0) continue;
        await db().alertNotificationGroup.create({ data: { receiver: receiver.name, groupKey, firstSeenAt: now } });
        if (s.ALERT_GROUP_WAIT_SECONDS > 0) continue;
      } else if (!row.lastSentAt) {
        if (firing.length === 0) {
          // Resolved (or silenced) within group_wait: nobody was told, nobody needs a resolve.
          await db().alertNotificationGroup.delete({ where: { receiver_groupKey: { receiver: receiver.name, groupKey } } });
          continue;
        }
        if (age(row.firstSeenAt) < s.ALERT_GROUP_WAIT_SECONDS) continue;
      } else if (hash !== row.lastHash) {
        if (age(row.lastSentAt) < s.ALERT_GROUP_INTERVAL_SECONDS) continue;
      } else {
        const unacked = firing.some((i) => !i.ackAt);
        if (!unacked || age(row.lastSentAt) < s.ALERT_REPEAT_INTERVAL_SECONDS) continue;
      }
      // Alerts that were in the last notification and are no longer firing: announce the resolve.
      const previous = row?.lastHash ? row.lastHash.split(",").filter(Boolean) : [];
      const gone = previous.filter((fp) => !firing.some((i) => i.fingerprint === fp));
      const resolved = gone.length
        ? await db().alertInstance.findMany({ where: { fingerprint: { in: gone }, state: { in: ["resolved", "inactive"] } }, orderBy: { activeAt: "desc" }, distinct: ["fingerprint"] })
        : [];
      if (firing.length) {
        // PagerDuty keeps one incident per group: a trigger with the current set. Slack/webhook: one post.
        await enqueue(receiver, "trigger", groupKey, firing, now);
        queued++;
      }
      if (resolved.length && (firing.length === 0 || receiver.kind !== "pagerduty")) {
        await enqueue(receiver, "resolve", groupKey, resolved, now);
        queued++;
      }
      if (firing.length === 0) {
        await db().alertNotificationGroup.deleteMany({ where: { receiver: receiver.name, groupKey } });
      } else {
        await db().alertNotificationGroup.upsert({
          where: { receiver_groupKey: { receiver: receiver.name, groupKey } },
          create: { receiver: receiver.name, groupKey, firstSeenAt: now, lastSentAt: now, lastHash: hash },
          update: { lastSentAt: now, lastHash: hash },
        });
      }
    }
  }
  return queued;
}

/** An operator acknowledged: tell PagerDuty for every PagerDuty group that notified this alert. */
export async function enqueueAcknowledge(instance: AlertInstance, now: Date): Promise<number> {
  const receivers = (await allReceivers()).filter((r) => r.kind === "pagerduty" && routes(r, instance.labels as Record<string, string>));
  let n = 0;
  for (const r of receivers) {
    const groupKey = `${r.name}:{alertname="${instance.rule}"}`;
    const group = await db().alertNotificationGroup.findUnique({ where: { receiver_groupKey: { receiver: r.name, groupKey } } });
    if (!group?.lastSentAt) continue; // never triggered there: nothing to acknowledge
    await enqueue(r, "acknowledge", groupKey, [instance], now);
    n++;
  }
  return n;
}

function retryAfterMs(header: string | null, now: Date): number | null {
  if (!header) return null;
  const secs = Number(header);
  if (Number.isFinite(secs)) return secs * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/** Send every due delivery once. */
export async function deliverDue(now: Date): Promise<{ delivered: number; failed: number; retrying: number }> {
  const s = notifySettings();
  const due = await db().alertDelivery.findMany({ where: { status: "pending", nextAttemptAt: { lte: now } }, orderBy: { createdAt: "asc" }, take: 50 });
  const receivers = await allReceivers();
  const result = { delivered: 0, failed: 0, retrying: 0 };
  for (const d of due) {
    const receiver = receivers.find((r) => r.name === d.receiver);
    let status: number | null = null;
    let error: string | null = null;
    let retryAfter: number | null = null;
    if (!receiver) {
      error = `receiver "${d.receiver}" no longer exists or is disabled`;
    } else {
      const url = receiver.kind === "pagerduty" ? `${(receiver.eventsUrl ?? "").replace(/\/$/, "")}/v2/enqueue` : receiver.secret;
      const body = receiver.kind === "pagerduty" ? { routing_key: receiver.secret, ...(d.payload as object) } : d.payload;
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(s.ALERT_NOTIFY_TIMEOUT_MS),
        });
        status = res.status;
        if (!res.ok) {
          error = `HTTP ${res.status}: ${(await res.text().catch(() => "")).slice(0, 300)}`;
          retryAfter = retryAfterMs(res.headers.get("retry-after"), now);
        } else {
          await res.arrayBuffer().catch(() => undefined);
        }
      } catch (err) {
        error = `request failed: ${(err as Error).message}`;
      }
    }
    const attempts = d.attempts + 1;
    const retryable = !!receiver && (status === null || status === 429 || status >= 500);
    const instanceIds = d.instanceIds as string[];
    const outcome = !error ? "delivered" : retryable && attempts < s.ALERT_NOTIFY_MAX_ATTEMPTS ? "retrying" : "failed";
    result[outcome]++;
    deliveriesMetric.inc({ kind: d.kind, result: outcome });
    const backoff = Math.min(retryAfter ?? s.ALERT_NOTIFY_RETRY_BASE_MS * 2 ** (attempts - 1), 5 * 60_000);
    await db().$transaction(async (tx) => {
      await tx.alertDelivery.update({
        where: { id: d.id },
        data: {
          attempts,
          lastStatus: status,
          lastError: error,
          status: outcome === "retrying" ? "pending" : outcome,
          nextAttemptAt: outcome === "retrying" ? new Date(now.getTime() + backoff) : d.nextAttemptAt,
          deliveredAt: outcome === "delivered" ? now : null,
        },
      });
      const what = `${d.action} to ${d.kind} receiver "${d.receiver}"`;
      const message =
        outcome === "delivered"
          ? `Notification ${what} delivered (attempt ${attempts}).`
          : outcome === "retrying"
            ? `Notification ${what} failed (${error}); retrying in ${Math.round(backoff / 1000)}s (attempt ${attempts} of ${s.ALERT_NOTIFY_MAX_ATTEMPTS}).`
            : `Notification ${what} failed for good after ${attempts} attempt(s): ${error}. Check the receiver's URL/key under Alerts → Receivers.`;
      for (const id of instanceIds) {
        await addEvent(tx, id, { kind: outcome === "delivered" ? "notify_sent" : outcome === "retrying" ? "notify_retry" : "notify_failed", at: now, message, details: { deliveryId: d.id, status } });
      }
    });
    if (outcome === "failed") logger.warn({ event: "alert_notification_failed", receiver: d.receiver, kind: d.kind, status, attempts }, "alert notification failed");
  }
  return result;
}

export async function runNotifications(now: Date): Promise<void> {
  try {
    await planNotifications(now);
    await deliverDue(now);
  } catch (err) {
    logger.error({ event: "alert_notifications_failed", err }, "alert notification step failed");
  }
}
