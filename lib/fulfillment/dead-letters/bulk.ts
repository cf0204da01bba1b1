import "server-only";
// Bulk operations over everything matching a filter (dead-letter retry/discard, and any kind a
// domain registers: registerBulkKind). Creating an operation freezes the matching
// task ids (fulfillment_bulk_operation_items) in the same transaction as its audit row, so the
// operation acts on exactly the dry run's set even while new tasks keep dead-lettering. The work then
// runs server-side in chunks: each chunk's conditional updates, its items' done flags and the
// operation's progress commit together, so progress is exact and a crash loses nothing.
//
// Ownership: the runner holds a session-level advisory lock on a dedicated connection. If the
// process dies the connection closes and the lock is released; the resumer (a WorkerDefinition in
// lib/domains.ts) then finds the operation still `running` and continues it. Two runners on one
// operation would still be correct (each chunk locks the operation row first), the lock just stops
// them from competing.
import type { PoolClient } from "pg";
import { db, pool, type Tx } from "@/lib/platform/db";
import { AppError, conflict, notFound } from "@/lib/platform/errors";
import { writeAudit } from "@/lib/platform/audit";
import { logger } from "@/lib/platform/logger";
import { processSingleton } from "@/lib/platform/global";
import type { WorkerDefinition } from "@/lib/platform/worker-runtime";
import { deadLetterFilterSchema, filterToJson, type DeadLetterFilter } from "./filter";
import { filterWhere } from "./queries";
import { DISCARD_SET, REQUEUE_SET, notifyWorkers, type Actor, type DeadLetterAction } from "./actions";

export const CHUNK_SIZE = 1000;
/** How often the resumer looks for unfinished operations nobody owns. */
const SWEEP_MS = 10_000;
/** Advisory-lock namespace (first key) for bulk operations; the second key hashes the operation id. */
const LOCK_NAMESPACE = 48_211;

/**
 * What a bulk operation does, by its `action` name: which ids it freezes for a filter and what one
 * chunk does to them. Dead-letter retry and discard are two kinds; other domains register theirs
 * (e.g. reconciliation's re-reconcile) and get the same frozen set, chunked progress, audit,
 * cancel and crash resume. Registered kinds must be known in every process that runs the resumer
 * (lib/domains.ts imports them).
 */
export interface BulkKind {
  /** Stored in fulfillment_bulk_operations.action. */
  action: string;
  /** Audit action of the start/finish rows; cancel appends ".cancel". */
  auditAction: string;
  /** SELECT of the bigint ids to freeze (one column), with the filter's parameters appended to `params` ($1 is the operation id). */
  selectIds(filter: unknown, params: unknown[]): string;
  /**
   * CTEs run per chunk after `marked` (the chunk's frozen ids, column task_id): must define
   * `changed`, one row per item actually changed (a conditional update skips items that moved on).
   */
  chunkSql: string;
  /** In the chunk's transaction when it changed something (e.g. wake the workers). */
  afterChunk?(tx: Tx): Promise<void>;
  /** The 409 message when nothing matches. */
  nothingMatches: string;
}

const kinds = processSingleton("bulkKinds", () => new Map<string, BulkKind>());

export function registerBulkKind(kind: BulkKind): BulkKind {
  kinds.set(kind.action, kind);
  return kind;
}

function kindOf(action: string): BulkKind {
  const k = kinds.get(action);
  if (!k) throw new Error(`No bulk operation kind "${action}" is registered in this process.`);
  return k;
}

const deadLetterKind = (action: DeadLetterAction, set: string): BulkKind => ({
  action,
  auditAction: `fulfillment.dead_letter.bulk_${action}`,
  selectIds: (filter, params) => `SELECT t.id FROM fulfillment_tasks t WHERE ${filterWhere(filter as DeadLetterFilter, params)}`,
  chunkSql: `changed AS (UPDATE fulfillment_tasks t SET ${set} WHERE t.id IN (SELECT task_id FROM marked) AND t.status = 'dead_lettered' RETURNING t.id)`,
  afterChunk: action === "retry" ? notifyWorkers : undefined,
  nothingMatches: "No dead-lettered task matches this filter any more; nothing to do. Refresh the list.",
});
registerBulkKind(deadLetterKind("retry", REQUEUE_SET));
registerBulkKind(deadLetterKind("discard", DISCARD_SET));

export interface BulkOperationView {
  id: string;
  action: string;
  filter: Record<string, string>;
  reason: string;
  actor: string;
  status: string;
  total: number;
  processed: number;
  changed: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

function view(op: { id: string; action: string; filter: unknown; reason: string; actor: string; status: string; total: number; processed: number; changed: number; error: string | null; createdAt: Date; finishedAt: Date | null }): BulkOperationView {
  return { ...op, filter: op.filter as Record<string, string>, createdAt: op.createdAt.toISOString(), finishedAt: op.finishedAt?.toISOString() ?? null };
}

export async function getBulkOperation(id: string): Promise<BulkOperationView> {
  const op = await db().fulfillmentBulkOperation.findUnique({ where: { id } });
  if (!op) throw notFound(`Bulk operation ${id}`);
  return view(op);
}

/**
 * Freezes the ids matching the filter and records the operation (status running). When
 * `expectedCount` (the dry run's count) is given and the set changed since, the caller learns it
 * from `total` — the frozen set is what runs, never a re-evaluated filter.
 */
export async function createBulkOperation(action: DeadLetterAction, filter: DeadLetterFilter, who: Actor, opts: { start?: boolean } = {}) {
  return createBulk(action, filter, filterToJson(filter), who, opts);
}

/** Any registered kind: `filter` is what selectIds reads, `stored` its JSON form kept on the operation. */
export async function createBulk(action: string, filter: unknown, stored: Record<string, string>, who: Actor, opts: { start?: boolean } = {}) {
  const kind = kindOf(action);
  const reason = who.reason?.trim();
  if (!reason || reason.length < 3) throw new AppError("validation_failed", "A reason (at least 3 characters) is required for a bulk action; it is kept in the audit log.");
  const op = await db().$transaction(
    async (tx) => {
      const created = await tx.fulfillmentBulkOperation.create({ data: { action, filter: stored, reason, actor: who.actor, total: 0 } });
      const params: unknown[] = [created.id];
      const ids = kind.selectIds(filter, params);
      const total = await tx.$executeRawUnsafe(`INSERT INTO fulfillment_bulk_operation_items (operation_id, task_id) SELECT $1::uuid, x.id FROM (${ids}) x`, ...params);
      if (total === 0) throw conflict(kind.nothingMatches);
      await writeAudit(tx, { actor: who.actor, action: kind.auditAction, target: `bulk_operation:${created.id}`, count: total, reason, details: { filter: stored, phase: "started" } });
      return tx.fulfillmentBulkOperation.update({ where: { id: created.id }, data: { total } });
    },
    { timeout: 120_000 },
  );
  if (opts.start !== false) startBulkRun(op.id);
  return view(op);
}

export async function cancelBulkOperation(id: string, who: Actor) {
  return db().$transaction(async (tx) => {
    const n = await tx.$executeRawUnsafe(`UPDATE fulfillment_bulk_operations SET status = 'cancelled', finished_at = now() WHERE id = $1::uuid AND status = 'running'`, id);
    const op = await tx.fulfillmentBulkOperation.findUnique({ where: { id } });
    if (!op) throw notFound(`Bulk operation ${id}`);
    if (n === 0) throw conflict(`Bulk operation ${id} is already ${op.status}; there is nothing to cancel.`, { status: op.status });
    await writeAudit(tx, {
      actor: who.actor,
      action: `${kinds.get(op.action)?.auditAction ?? "bulk_operation"}.cancel`,
      target: `bulk_operation:${id}`,
      count: op.processed,
      reason: who.reason?.trim() || undefined,
      details: { processed: op.processed, changed: op.changed, total: op.total },
    });
    return view(op);
  });
}

type ChunkResult = "more" | "finished" | "stopped";

/** One chunk in one transaction: lock the operation row, act on the next frozen ids, record progress. */
async function runChunk(id: string, chunkSize: number): Promise<ChunkResult> {
  return db().$transaction(
    async (tx) => {
      const ops = await tx.$queryRawUnsafe<{ status: string; action: string; actor: string; reason: string; filter: unknown }[]>(
        `SELECT status, action, actor, reason, filter FROM fulfillment_bulk_operations WHERE id = $1::uuid FOR UPDATE`,
        id,
      );
      const op = ops[0];
      if (!op || op.status !== "running") return "stopped";
      const kind = kindOf(op.action);
      const [counts] = await tx.$queryRawUnsafe<{ processed: number; changed: number }[]>(
        `WITH chunk AS (
           SELECT task_id FROM fulfillment_bulk_operation_items WHERE operation_id = $1::uuid AND NOT done LIMIT $2
         ), marked AS (
           UPDATE fulfillment_bulk_operation_items i SET done = true FROM chunk c
            WHERE i.operation_id = $1::uuid AND i.task_id = c.task_id RETURNING i.task_id
         ), ${kind.chunkSql}
         SELECT (SELECT count(*) FROM marked)::int AS processed, (SELECT count(*) FROM changed)::int AS changed`,
        id,
        chunkSize,
      );
      const finished = counts.processed < chunkSize;
      const updated = await tx.fulfillmentBulkOperation.update({
        where: { id },
        data: { processed: { increment: counts.processed }, changed: { increment: counts.changed }, error: null, ...(finished ? { status: "succeeded", finishedAt: new Date() } : {}) },
      });
      if (finished) {
        await writeAudit(tx, {
          actor: op.actor,
          action: kind.auditAction,
          target: `bulk_operation:${id}`,
          count: updated.changed,
          reason: op.reason,
          details: { filter: op.filter as object, phase: "finished", processed: updated.processed, changed: updated.changed, skipped: updated.processed - updated.changed },
        });
      }
      if (kind.afterChunk && counts.changed > 0) await kind.afterChunk(tx);
      return finished ? "finished" : "more";
    },
    { timeout: 60_000 },
  );
}

export type RunOutcome = "finished" | "stopped" | "busy" | "paused";

/**
 * Runs an operation to completion (or until cancelled). Returns "busy" when another runner holds it.
 * `maxChunks` stops early ("paused") — tests use it to simulate a crash mid-way.
 */
export async function runBulkOperation(id: string, opts: { chunkSize?: number; maxChunks?: number } = {}): Promise<RunOutcome> {
  let lockClient: PoolClient | undefined;
  try {
    lockClient = await pool().connect();
    const { rows } = await lockClient.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok`, [LOCK_NAMESPACE, id]);
    if (!rows[0].ok) return "busy";
    try {
      for (let n = 0; ; n++) {
        if (opts.maxChunks !== undefined && n >= opts.maxChunks) return "paused";
        const r = await runChunk(id, opts.chunkSize ?? CHUNK_SIZE);
        if (r !== "more") return r;
      }
    } finally {
      await lockClient.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [LOCK_NAMESPACE, id]);
    }
  } catch (err) {
    // Left `running`: the resumer picks it up again on its next sweep. The error is shown with the progress.
    logger.error({ event: "bulk_operation_failed", operationId: id, err }, "bulk operation chunk failed; it will be resumed");
    await pool()
      .query(`UPDATE fulfillment_bulk_operations SET error = $2 WHERE id = $1::uuid`, [id, `Chunk failed at ${new Date().toISOString()}: ${(err as Error).message}; retrying within ${SWEEP_MS / 1000} s.`.slice(0, 1000)])
      .catch(() => {});
    throw err;
  } finally {
    lockClient?.release();
  }
}

const localRuns = () => processSingleton("deadLetterBulkRuns", () => new Map<string, Promise<RunOutcome>>());

/** Starts (without awaiting) a run in this process unless one is already going here. */
export function startBulkRun(id: string): Promise<RunOutcome> {
  const runs = localRuns();
  const existing = runs.get(id);
  if (existing) return existing;
  const run = runBulkOperation(id)
    .catch((): RunOutcome => "stopped")
    .finally(() => runs.delete(id));
  runs.set(id, run);
  return run;
}

/** One resumer sweep: continue every `running` operation nobody owns. Returns the runs started. */
export async function resumeBulkOperations(): Promise<Promise<RunOutcome>[]> {
  const { rows } = await pool().query<{ id: string }>(`SELECT id::text FROM fulfillment_bulk_operations WHERE status = 'running' ORDER BY created_at LIMIT 20`);
  return rows.map((r) => startBulkRun(r.id));
}

export const bulkResumer: WorkerDefinition = {
  name: "dead-letter-bulk-resumer",
  enabled: () => ({ enabled: true, settings: { sweepSeconds: SWEEP_MS / 1000, chunkSize: CHUNK_SIZE } }),
  async start() {
    let stopped = false;
    const sweep = () =>
      resumeBulkOperations().catch((err) => logger.warn({ event: "bulk_resume_sweep_failed", err }, "could not look for unfinished bulk operations; will retry"));
    void sweep();
    const timer = setInterval(() => void sweep(), SWEEP_MS);
    timer.unref();
    return {
      async stop() {
        if (stopped) return;
        stopped = true;
        clearInterval(timer);
      },
    };
  },
};

/** Parses a stored/posted filter (dates as ISO strings). */
export function parseFilter(input: unknown): DeadLetterFilter {
  const r = deadLetterFilterSchema.safeParse(input ?? {});
  if (!r.success) throw new AppError("validation_failed", `Invalid filter: ${r.error.issues[0]?.message}.`);
  return r.data;
}
