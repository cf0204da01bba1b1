import "server-only";
// Operator actions on dead-lettered tasks. Each is one conditional UPDATE
// (status = 'dead_lettered' → …) plus its audit row in the same transaction: two operators acting on
// the same task at once get exactly one change, the other a 409 that says what happened.
import { db, type Tx } from "@/lib/platform/db";
import { AppError, conflict, notFound } from "@/lib/platform/errors";
import { writeAudit } from "@/lib/platform/audit";
import { payloadSchemaFor } from "@/lib/task-types";
import { taskTarget } from "./queries";
import { diffJson } from "./diff";

export const MAX_SELECTED = 1000;

/**
 * Requeue policy: the task runs again now with a fresh attempt budget (attempts = 0, so it gets
 * max_attempts tries again). The attempt history stays in fulfillment_attempts; last_error* stay as
 * context until the next attempt overwrites them.
 */
export const REQUEUE_SET = `status = 'pending', run_at = now(), attempts = 0, dead_lettered_at = NULL,
  lease_owner = NULL, lease_expires_at = NULL, finished_at = NULL, updated_at = now()`;
export const DISCARD_SET = `status = 'discarded', finished_at = now(), updated_at = now()`;

export type DeadLetterAction = "retry" | "discard";
export const AUDIT_ACTIONS = {
  retry: "fulfillment.dead_letter.retry",
  discard: "fulfillment.dead_letter.discard",
  edit: "fulfillment.dead_letter.edit_retry",
} as const;

export interface Actor {
  actor: string;
  reason?: string;
}

/** The channel the fulfillment workers LISTEN on (NOTIFY_CHANNEL in lib/fulfillment/queue.ts). */
const NOTIFY_CHANNEL = "fulfillment_tasks";

/** Wakes the workers; delivered at commit, so they wake only for committed work. */
export async function notifyWorkers(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_notify($1, '')`, NOTIFY_CHANNEL);
}

/** The 409 for a task that is no longer dead-lettered, naming who changed it last when we know. */
async function noLongerDead(tx: Tx, id: string): Promise<AppError> {
  const rows = await tx.$queryRawUnsafe<{ status: string }[]>(`SELECT status::text AS status FROM fulfillment_tasks WHERE id = $1::bigint`, id);
  if (!rows[0]) return notFound(`Task #${id}`);
  const last = await tx.auditLog.findFirst({ where: { target: taskTarget(id) }, orderBy: { id: "desc" } });
  const who = last ? ` — ${last.action.split(".").pop()?.replace("_", " ")} by ${last.actor.replace(/^user:/, "")} at ${last.at.toISOString()}` : "";
  return conflict(`Task #${id} is no longer dead-lettered (it is now ${rows[0].status}${who}). Refresh to see its current state.`, {
    id,
    status: rows[0].status,
    by: last?.actor ?? null,
  });
}

function requireReason(reason: string | undefined, what: string): string {
  const r = reason?.trim();
  if (!r || r.length < 3) throw new AppError("validation_failed", `A reason (at least 3 characters) is required to ${what}; it is kept in the audit log.`);
  return r;
}

export async function actOnOneInTx(tx: Tx, action: DeadLetterAction, id: string, who: Actor) {
  const reason = action === "discard" ? requireReason(who.reason, "discard a task") : who.reason?.trim() || undefined;
  const rows = await tx.$queryRawUnsafe<{ id: string; task_type: string }[]>(
    `UPDATE fulfillment_tasks SET ${action === "retry" ? REQUEUE_SET : DISCARD_SET}
      WHERE id = $1::bigint AND status = 'dead_lettered' RETURNING id::text, task_type`,
    id,
  );
  if (!rows[0]) throw await noLongerDead(tx, id);
  await writeAudit(tx, { actor: who.actor, action: AUDIT_ACTIONS[action], target: taskTarget(id), count: 1, reason, details: { ids: [id], taskType: rows[0].task_type } });
  if (action === "retry") await notifyWorkers(tx);
  return { id, status: action === "retry" ? "pending" : "discarded" };
}

export function actOnOne(action: DeadLetterAction, id: string, who: Actor) {
  return db().$transaction((tx) => actOnOneInTx(tx, action, id, who));
}

/** Retry/discard a hand-picked set; tasks no longer dead-lettered are skipped and reported. */
export async function actOnSelectedInTx(tx: Tx, action: DeadLetterAction, ids: string[], who: Actor) {
  const reason = action === "discard" ? requireReason(who.reason, "discard tasks") : who.reason?.trim() || undefined;
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw new AppError("validation_failed", "Select at least one task.");
  if (unique.length > MAX_SELECTED) {
    throw new AppError("validation_failed", `At most ${MAX_SELECTED} tasks can be selected; use "retry all matching" (a bulk operation) for more.`);
  }
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE fulfillment_tasks SET ${action === "retry" ? REQUEUE_SET : DISCARD_SET}
      WHERE id = ANY($1::bigint[]) AND status = 'dead_lettered' RETURNING id::text`,
    unique,
  );
  const changed = rows.map((r) => r.id);
  const changedSet = new Set(changed);
  const skipped = unique.filter((id) => !changedSet.has(id));
  if (changed.length === 0) {
    throw conflict(`None of the ${unique.length} selected task(s) is dead-lettered any more (already retried or discarded by someone). Refresh the list.`, { skipped });
  }
  await writeAudit(tx, {
    actor: who.actor,
    action: AUDIT_ACTIONS[action],
    target: changed.length === 1 ? taskTarget(changed[0]) : undefined,
    count: changed.length,
    reason,
    details: { ids: changed, skipped },
  });
  if (action === "retry") await notifyWorkers(tx);
  return { changed: changed.length, skipped };
}

export function actOnSelected(action: DeadLetterAction, ids: string[], who: Actor) {
  return db().$transaction((tx) => actOnSelectedInTx(tx, action, ids, who));
}

function describeZodIssues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ${i.message}` : i.message)).join("; ");
}

/** Replace the payload (validated against the task type's schema), keep the first original, requeue. */
export async function editAndRetryInTx(tx: Tx, id: string, payload: unknown, who: Actor) {
  const reason = requireReason(who.reason, "edit a payload");
  const rows = await tx.$queryRawUnsafe<{ task_type: string; payload: unknown; status: string }[]>(
    `SELECT task_type, payload, status::text AS status FROM fulfillment_tasks WHERE id = $1::bigint FOR UPDATE`,
    id,
  );
  const task = rows[0];
  if (!task) throw notFound(`Task #${id}`);
  if (task.status !== "dead_lettered") throw await noLongerDead(tx, id);
  const schema = payloadSchemaFor(task.task_type);
  if (!schema) throw new AppError("validation_failed", `Task type "${task.task_type}" has no payload schema, so its payload cannot be edited here.`);
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new AppError("validation_failed", `The payload does not match the "${task.task_type}" schema: ${describeZodIssues(parsed.error)}. Fix it and try again.`, parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })));
  }
  await tx.$executeRawUnsafe(
    `UPDATE fulfillment_tasks SET payload = $2::jsonb, original_payload = coalesce(original_payload, payload), ${REQUEUE_SET}
      WHERE id = $1::bigint AND status = 'dead_lettered'`,
    id,
    JSON.stringify(parsed.data),
  );
  const diff = diffJson(task.payload, parsed.data);
  await writeAudit(tx, {
    actor: who.actor,
    action: AUDIT_ACTIONS.edit,
    target: taskTarget(id),
    count: 1,
    reason,
    details: { ids: [id], before: task.payload as object, after: parsed.data as object, diff: diff as unknown as object[] },
  });
  await notifyWorkers(tx);
  return { id, status: "pending", diff };
}

export function editAndRetry(id: string, payload: unknown, who: Actor) {
  return db().$transaction((tx) => editAndRetryInTx(tx, id, payload, who));
}
