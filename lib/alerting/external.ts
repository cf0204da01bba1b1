import "server-only";
// Alerts from an existing Prometheus: Alertmanager's webhook (version 4) posts them here and they
// join the same list and timeline with source "external". Opsdeck does not notify for them again:
// that Alertmanager already routes them.
import { z } from "zod";
import { db } from "@/lib/platform/db";
import { inTimestampBounds, text, timestamp } from "@/lib/platform/http/schema-types";
import { addEvent, fingerprint } from "./instances";

const alertSchema = z.object({
  status: z.enum(["firing", "resolved"]),
  labels: z.record(text("label name"), text("label value")).refine((l) => !!l.alertname, "every alert needs an alertname label"),
  annotations: z.record(text("annotation name"), text("annotation value")).default({}),
  startsAt: timestamp("startsAt"),
  /** Alertmanager sends 0001-01-01T00:00:00Z when the end is unknown; such values are read leniently below. */
  endsAt: text("endsAt").optional(),
  generatorURL: text("generatorURL").optional(),
  fingerprint: text("fingerprint").max(100).optional(),
});

export const alertmanagerWebhookSchema = z.object({
  version: text("version").optional(),
  receiver: text("receiver").max(200).default("alertmanager"),
  status: z.enum(["firing", "resolved"]).optional(),
  alerts: z.array(alertSchema).min(1, "send at least one alert").max(1000, "at most 1000 alerts per request"),
});
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;

/** The reported end, or now when it is unknown (year 1), unparseable or out of range. */
function endsAt(raw: string | undefined, now: Date): Date {
  const d = raw ? new Date(raw) : null;
  return d && inTimestampBounds(d) && d.getUTCFullYear() > 1 ? d : now;
}

export async function ingestAlertmanager(body: AlertmanagerWebhook, actor: string, now = new Date()) {
  const out = { created: 0, updated: 0, resolved: 0, ignored: 0 };
  for (const a of body.alerts) {
    const fp = `ext-${a.fingerprint ?? fingerprint(a.labels)}`;
    await db().$transaction(async (tx) => {
      const open = await tx.alertInstance.findFirst({ where: { fingerprint: fp, state: { in: ["pending", "firing", "nodata", "error"] } } });
      const text = {
        summary: a.annotations.summary ?? a.labels.alertname,
        description: a.annotations.description ?? a.annotations.message ?? "",
        runbookUrl: a.annotations.runbook_url ?? null,
      };
      if (a.status === "firing") {
        if (open) {
          await tx.alertInstance.update({ where: { id: open.id }, data: { ...text, labels: { ...a.labels, source: "external" }, lastEvalAt: now } });
          out.updated++;
          return;
        }
        const created = await tx.alertInstance.create({
          data: {
            fingerprint: fp,
            rule: a.labels.alertname,
            source: "external",
            severity: a.labels.severity ?? "warning",
            labels: { ...a.labels, source: "external" },
            ...text,
            state: "firing",
            activeAt: a.startsAt,
            firedAt: a.startsAt,
            lastTrueAt: now,
            lastEvalAt: now,
          },
        });
        await addEvent(tx, created.id, { kind: "state", at: now, fromState: "inactive", toState: "firing", actor, message: `Firing (received from Alertmanager receiver "${body.receiver}").`, details: a.generatorURL ? { generatorURL: a.generatorURL } : undefined });
        out.created++;
        return;
      }
      if (!open) {
        out.ignored++;
        return;
      }
      await tx.alertInstance.update({ where: { id: open.id }, data: { state: "resolved", resolvedAt: endsAt(a.endsAt, now), lastEvalAt: now } });
      await addEvent(tx, open.id, { kind: "state", at: now, fromState: open.state, toState: "resolved", actor, message: `Resolved (received from Alertmanager receiver "${body.receiver}").` });
      out.resolved++;
    });
  }
  return out;
}
