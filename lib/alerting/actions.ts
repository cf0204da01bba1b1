import "server-only";
// Operator actions on alerts: acknowledge, silence (with preview), expire a silence. Each is a
// conditional change (a race reports 409) with its audit row and timeline events in the same
// transaction.
import { db } from "@/lib/platform/db";
import { writeAudit } from "@/lib/platform/audit";
import { AppError, conflict, notFound } from "@/lib/platform/errors";
import { addEvent } from "./instances";
import { formatMatcher, matchesAll, validateMatchers, type Matcher } from "./matchers";
import { enqueueAcknowledge } from "./notify/dispatch";

export async function acknowledge(instanceId: string, input: { owner: string; comment: string }, actor: string, now = new Date()) {
  const result = await db().$transaction(async (tx) => {
    // Only an open, unacknowledged episode: a second operator racing gets a 409 naming the owner.
    const updated = await tx.alertInstance.updateMany({
      where: { id: instanceId, state: { in: ["pending", "firing", "nodata", "error"] }, ackAt: null },
      data: { ackBy: input.owner, ackComment: input.comment, ackAt: now },
    });
    const inst = await tx.alertInstance.findUnique({ where: { id: instanceId } });
    if (!inst) throw notFound(`Alert ${instanceId}`);
    if (updated.count === 0) {
      if (inst.ackAt) throw conflict(`This alert was already acknowledged by ${inst.ackBy} at ${inst.ackAt.toISOString()}.`, { ackBy: inst.ackBy });
      throw conflict(`This alert is ${inst.state}; only open alerts can be acknowledged.`, { state: inst.state });
    }
    await addEvent(tx, inst.id, { kind: "ack", at: now, actor, message: `Acknowledged by ${input.owner}: ${input.comment}` });
    await writeAudit(tx, { actor, action: "alert.acknowledge", target: `alert:${inst.id}`, reason: input.comment, details: { rule: inst.rule, owner: input.owner } });
    return inst;
  });
  // PagerDuty acknowledge is a delivery row sent by the evaluator's notification step.
  const pagerduty = await enqueueAcknowledge(result, now);
  return { instance: result, pagerdutyAcknowledgements: pagerduty };
}

function checkMatchers(matchers: Matcher[]): void {
  const problem = validateMatchers(matchers);
  if (problem) throw new AppError("validation_failed", problem);
}

/** Open alerts (and their labels) a silence with these matchers would silence right now. */
export async function previewSilence(matchers: Matcher[]) {
  checkMatchers(matchers);
  const open = await db().alertInstance.findMany({ where: { state: { in: ["pending", "firing", "nodata", "error"] } }, orderBy: { activeAt: "desc" } });
  return open
    .filter((i) => matchesAll(matchers, i.labels as Record<string, string>))
    .map((i) => ({ id: i.id, rule: i.rule, state: i.state, severity: i.severity, labels: i.labels as Record<string, string> }));
}

export async function createSilence(input: { matchers: Matcher[]; startsAt?: Date; endsAt: Date; comment: string }, actor: string, now = new Date()) {
  checkMatchers(input.matchers);
  const startsAt = input.startsAt ?? now;
  if (input.endsAt <= startsAt) throw new AppError("validation_failed", "The silence must end after it starts; pick a later end time.");
  if (input.endsAt.getTime() - startsAt.getTime() > 30 * 86_400_000) throw new AppError("validation_failed", "Silences last at most 30 days; create a new one when it ends.");
  const affected = await previewSilence(input.matchers);
  return db().$transaction(async (tx) => {
    const silence = await tx.alertSilence.create({
      data: { matchers: input.matchers, startsAt, endsAt: input.endsAt, comment: input.comment, createdBy: actor },
    });
    const text = input.matchers.map(formatMatcher).join(", ");
    if (startsAt <= now) {
      for (const a of affected) {
        await addEvent(tx, a.id, { kind: "silenced", at: now, actor, message: `Silenced until ${input.endsAt.toISOString()} by {${text}}: ${input.comment}`, details: { silenceId: silence.id } });
      }
    }
    await writeAudit(tx, { actor, action: "alert.silence.create", target: `silence:${silence.id}`, count: affected.length, reason: input.comment, details: { matchers: text, endsAt: input.endsAt.toISOString() } });
    return { silence, affected };
  });
}

export async function expireSilence(id: string, actor: string, now = new Date()) {
  return db().$transaction(async (tx) => {
    const updated = await tx.alertSilence.updateMany({ where: { id, expiredAt: null, endsAt: { gt: now } }, data: { expiredAt: now, expiredBy: actor, endsAt: now } });
    const s = await tx.alertSilence.findUnique({ where: { id } });
    if (!s) throw notFound(`Silence ${id}`);
    if (updated.count === 0) throw conflict(`This silence already ended at ${s.endsAt.toISOString()}${s.expiredBy ? ` (expired by ${s.expiredBy})` : ""}.`);
    await writeAudit(tx, { actor, action: "alert.silence.expire", target: `silence:${id}`, reason: s.comment });
    return s;
  });
}
