import "server-only";
// Receivers managed in the admin UI. Secrets are written, never read back: the UI gets a hint.
import { db } from "@/lib/platform/db";
import { writeAudit } from "@/lib/platform/audit";
import { AppError, notFound } from "@/lib/platform/errors";
import { envReceivers, secretHint, type ReceiverKind } from "./receivers";

export async function listReceiversForUi() {
  const rows = await db().alertReceiver.findMany({ orderBy: { name: "asc" } });
  return [
    ...envReceivers().map((r) => ({ id: null, name: r.name, kind: r.kind, match: r.match, secret: secretHint(r.kind, r.secret), source: "env" as const, enabled: true })),
    ...rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, match: r.match as Record<string, string>, secret: secretHint(r.kind as ReceiverKind, r.secret), source: "ui" as const, enabled: r.enabled })),
  ];
}

export async function createReceiver(input: { name: string; kind: ReceiverKind; secret: string; severities: string[]; eventsUrl?: string }, actor: string) {
  if (input.name.startsWith("env-")) throw new AppError("validation_failed", 'Names starting with "env-" are reserved for receivers configured by environment variables.');
  if (input.kind !== "pagerduty") {
    try {
      const u = new URL(input.secret);
      if (!/^https?:$/.test(u.protocol)) throw new Error();
    } catch {
      throw new AppError("validation_failed", `A ${input.kind} receiver needs the full webhook URL (https://…).`);
    }
  }
  return db().$transaction(async (tx) => {
    const r = await tx.alertReceiver.create({
      data: { name: input.name, kind: input.kind, secret: input.secret, match: { severity: input.severities.join("|") }, config: input.eventsUrl ? { eventsUrl: input.eventsUrl } : {}, createdBy: actor },
    });
    await writeAudit(tx, { actor, action: "alert.receiver.create", target: `receiver:${r.name}`, details: { kind: r.kind, severities: input.severities } });
    return { id: r.id, name: r.name, kind: r.kind, secret: secretHint(input.kind, input.secret) };
  });
}

export async function deleteReceiver(id: string, actor: string) {
  return db().$transaction(async (tx) => {
    const r = await tx.alertReceiver.findUnique({ where: { id } });
    if (!r) throw notFound(`Receiver ${id}`);
    await tx.alertReceiver.delete({ where: { id } });
    await writeAudit(tx, { actor, action: "alert.receiver.delete", target: `receiver:${r.name}` });
    return { deleted: r.name };
  });
}
