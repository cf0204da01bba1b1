import "server-only";
// Read side of the dead-letter console. Raw SQL over the shared pool: every query is shaped for an
// index (see docs/dead-letters.md for the plans and timings at 1M dead-lettered rows).
import { pool } from "@/lib/platform/db";
import { notFound } from "@/lib/platform/errors";
import { encodeCursor, toPageCursor, type PageCursor } from "@/lib/platform/http/schema-types";
import type { DeadLetterFilter } from "./filter";

/** Must match the expression of the trigram index in migration 20261123121500_dead_letter_search. */
const SEARCH_EXPR = `(coalesce(t.last_error_class, '') || ' ' || coalesce(t.last_error, ''))`;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** WHERE clause for the filter; pushes its values onto params. Shared by list, count, sample and bulk freeze. */
export function filterWhere(f: DeadLetterFilter, params: unknown[]): string {
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conds = [`t.status = 'dead_lettered'`];
  if (f.type) conds.push(`t.task_type = ${p(f.type)}`);
  if (f.from) conds.push(`t.dead_lettered_at >= ${p(f.from)}`);
  if (f.to) conds.push(`t.dead_lettered_at < ${p(f.to)}`);
  if (f.group) conds.push(`t.error_fingerprint = ${p(f.group)}`);
  if (f.q) conds.push(searchCondition(f.q, params));
  return conds.join(" AND ");
}

/** Case-insensitive substring match over error class + message (the trigram index's expression). */
function searchCondition(q: string, params: unknown[]): string {
  params.push(`%${escapeLike(q)}%`);
  return `${SEARCH_EXPR} ILIKE $${params.length}`;
}

export interface DeadLetterRow {
  id: string;
  taskType: string;
  attempts: number;
  maxAttempts: number;
  lastErrorClass: string | null;
  lastError: string | null;
  errorFingerprint: string | null;
  deadLetteredAt: string;
  orderItemId: string | null;
}

const ROW_COLUMNS = `t.id::text AS id, t.task_type AS "taskType", t.attempts, t.max_attempts AS "maxAttempts",
  t.last_error_class AS "lastErrorClass", left(t.last_error, 300) AS "lastError", t.error_fingerprint AS "errorFingerprint",
  t.dead_lettered_at AS "deadLetteredAt", t.order_item_id AS "orderItemId"`;

function toRow(r: Record<string, unknown>): DeadLetterRow {
  return { ...(r as unknown as DeadLetterRow), deadLetteredAt: (r.deadLetteredAt as Date).toISOString() };
}

/**
 * Rows scanned newest-first before a text search falls back to the trigram index. A common term
 * ("timeout") fills a page within the newest rows, which the keyset index returns in order; a rare
 * term ("REQ-123") is found by the trigram index, whose few matches are then sorted. Trying the first
 * bounds a common term's cost (the trigram index would return every match to sort them), and the
 * window bounds the rare term's cost of trying it.
 */
const TEXT_SEARCH_WINDOW = 5000;

export async function listDeadLetters(f: DeadLetterFilter, opts: { cursor?: string | PageCursor; limit?: number } = {}) {
  const limit = opts.limit ?? 50;
  const run = async (textStrategy: "window" | "index") => {
    const params: unknown[] = [];
    let where = filterWhere(textStrategy === "window" ? { ...f, q: undefined } : f, params);
    if (opts.cursor) {
      const c = toPageCursor(opts.cursor);
      params.push(c.at, c.id);
      where += ` AND (t.dead_lettered_at, t.id) < ($${params.length - 1}, $${params.length}::bigint)`;
    }
    const ordered = `ORDER BY t.dead_lettered_at DESC, t.id DESC`;
    let sql = `SELECT ${ROW_COLUMNS} FROM fulfillment_tasks t WHERE ${where} ${ordered} LIMIT ${limit + 1}`;
    if (textStrategy === "window") {
      sql = `SELECT ${ROW_COLUMNS} FROM (
               SELECT t.id, t.task_type, t.attempts, t.max_attempts, t.last_error_class, t.last_error, t.error_fingerprint, t.dead_lettered_at, t.order_item_id
                 FROM fulfillment_tasks t WHERE ${where} ${ordered} LIMIT ${TEXT_SEARCH_WINDOW}
             ) t WHERE ${searchCondition(f.q!, params)} ${ordered} LIMIT ${limit + 1}`;
    }
    return (await pool().query(sql, params)).rows;
  };
  let rows = f.q ? await run("window") : await run("index");
  // Too few matches among the newest rows: let the trigram index find them all.
  if (f.q && rows.length <= limit) rows = await run("index");
  const items = rows.slice(0, limit).map(toRow);
  const last = items[items.length - 1];
  // Cursor = the last row's (dead_lettered_at, id), opaque to clients.
  const nextCursor = rows.length > limit ? encodeCursor({ at: last.deadLetteredAt, id: last.id }) : null;
  return { items, nextCursor };
}

/** Dry run of a filtered bulk action: how many tasks match now, and a few of them. */
export async function previewFilter(f: DeadLetterFilter, sampleSize = 5) {
  const params: unknown[] = [];
  const where = filterWhere(f, params);
  const [count, sample] = await Promise.all([
    pool().query<{ n: string }>(`SELECT count(*)::text AS n FROM fulfillment_tasks t WHERE ${where}`, params),
    pool().query(`SELECT ${ROW_COLUMNS} FROM fulfillment_tasks t WHERE ${where} ORDER BY t.dead_lettered_at DESC, t.id DESC LIMIT ${Number(sampleSize)}`, params),
  ]);
  return { count: Number(count.rows[0].n), sample: sample.rows.map(toRow) };
}

export interface ErrorGroup {
  fingerprint: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  taskTypes: string[];
  errorClass: string | null;
  sampleMessage: string | null;
}

/**
 * Dead tasks grouped by fingerprint (class + normalised message + top frame), largest first.
 * Aggregates per (fingerprint, task type) first — an index-only scan of
 * fulfillment_tasks_dead_groups_idx with no sort — then rolls up; the sample is the group's newest
 * row, found by one index probe.
 */
export async function errorGroups(f: DeadLetterFilter, limit = 50): Promise<ErrorGroup[]> {
  const params: unknown[] = [];
  const where = filterWhere({ ...f, group: undefined }, params);
  params.push(limit);
  const { rows } = await pool().query(
    `WITH per_type AS (
       SELECT t.error_fingerprint AS fp, t.task_type, count(*) AS n, min(t.dead_lettered_at) AS first_seen, max(t.dead_lettered_at) AS last_seen
         FROM fulfillment_tasks t WHERE ${where} GROUP BY 1, 2
     ), g AS (
       SELECT fp, sum(n)::int AS count, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
              array_agg(task_type ORDER BY task_type) AS task_types, (array_agg(task_type ORDER BY last_seen DESC))[1] AS last_type
         FROM per_type GROUP BY fp ORDER BY sum(n) DESC, fp LIMIT $${params.length}
     )
     SELECT coalesce(g.fp, '') AS fingerprint, g.count, g.first_seen AS "firstSeen", g.last_seen AS "lastSeen", g.task_types AS "taskTypes",
            s.last_error_class AS "errorClass", s.sample AS "sampleMessage"
       FROM g LEFT JOIN LATERAL (
         SELECT x.last_error_class, left(x.last_error, 300) AS sample FROM fulfillment_tasks x
          WHERE x.status = 'dead_lettered' AND x.error_fingerprint = g.fp AND x.task_type = g.last_type AND x.dead_lettered_at = g.last_seen
          LIMIT 1
       ) s ON true
      ORDER BY g.count DESC, g.fp`,
    params,
  );
  return rows.map((r) => ({ ...r, firstSeen: r.firstSeen.toISOString(), lastSeen: r.lastSeen.toISOString() }));
}

export async function taskDetail(id: string) {
  const { rows } = await pool().query(
    `SELECT t.id::text AS id, t.task_type AS "taskType", t.payload, t.original_payload AS "originalPayload", t.status,
            t.attempts, t.max_attempts AS "maxAttempts", t.run_at AS "runAt", t.lease_owner AS "leaseOwner",
            t.lease_expires_at AS "leaseExpiresAt", t.last_error_class AS "lastErrorClass", t.last_error AS "lastError",
            t.error_fingerprint AS "errorFingerprint", t.created_at AS "createdAt", t.updated_at AS "updatedAt",
            t.finished_at AS "finishedAt", t.dead_lettered_at AS "deadLetteredAt",
            CASE WHEN i.id IS NULL THEN NULL ELSE json_build_object('id', i.id, 'sku', i.sku, 'quantity', i.quantity, 'status', i.status) END AS "orderItem",
            CASE WHEN o.id IS NULL THEN NULL ELSE json_build_object('id', o.id, 'reference', o.reference, 'customer', o.customer,
                 'totalCents', o.total_cents, 'currency', o.currency, 'createdAt', o.created_at) END AS "order"
       FROM (SELECT id, task_type, payload, original_payload, status::text AS status, attempts, max_attempts, run_at, lease_owner,
                    lease_expires_at, last_error_class, last_error, error_fingerprint, created_at, updated_at, finished_at,
                    dead_lettered_at, order_item_id
               FROM fulfillment_tasks WHERE id = $1::bigint
             UNION ALL -- a succeeded task has left the queue table: its success attempt keeps its record
             (SELECT task_id, task_type, payload, NULL, 'succeeded', attempt, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                     task_created_at, finished_at, finished_at, NULL, order_item_id
                FROM fulfillment_attempts WHERE task_id = $1::bigint AND outcome = 'succeeded' ORDER BY id DESC LIMIT 1)
             LIMIT 1) t
       LEFT JOIN order_items i ON i.id = t.order_item_id
       LEFT JOIN orders o ON o.id = i.order_id`,
    [id],
  );
  if (!rows[0]) throw notFound(`Task #${id}`);
  const attempts = await pool().query(
    `SELECT id::text AS id, attempt, worker_id AS "workerId", started_at AS "startedAt", finished_at AS "finishedAt",
            lease_expires_at AS "leaseExpiresAt", outcome, error_class AS "errorClass", error_message AS "errorMessage",
            error_stack AS "errorStack", duration_ms AS "durationMs", backoff_ms AS "backoffMs"
       FROM fulfillment_attempts WHERE task_id = $1::bigint
     UNION ALL -- the attempt in progress lives on the task row until it ends
     SELECT 'running', attempts, lease_owner, attempt_started_at, NULL, lease_expires_at, 'running', NULL, NULL, NULL, NULL, NULL
       FROM fulfillment_tasks WHERE id = $1::bigint AND status = 'running'
     ORDER BY "startedAt", id`,
    [id],
  );
  const history = await pool().query(
    `SELECT id::text AS id, at, actor, action, reason FROM audit_log WHERE target = $1 ORDER BY at DESC, id DESC LIMIT 20`,
    [taskTarget(id)],
  );
  return { ...rows[0], attemptRows: attempts.rows, history: history.rows } as TaskDetail;
}

export function taskTarget(id: string | bigint): string {
  return `fulfillment_task:${id}`;
}

export interface AttemptRow {
  id: string;
  attempt: number;
  workerId: string;
  startedAt: Date;
  finishedAt: Date | null;
  leaseExpiresAt: Date | null;
  outcome: string;
  errorClass: string | null;
  errorMessage: string | null;
  errorStack: string | null;
  durationMs: number | null;
  backoffMs: number | null;
}

export interface TaskDetail {
  id: string;
  taskType: string;
  payload: unknown;
  originalPayload: unknown;
  status: string;
  attempts: number;
  attemptRows: AttemptRow[];
  /** Null for a succeeded task: its queue row (which held them) is gone. */
  maxAttempts: number | null;
  runAt: Date | null;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  lastErrorClass: string | null;
  lastError: string | null;
  errorFingerprint: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  deadLetteredAt: Date | null;
  orderItem: { id: string; sku: string; quantity: number; status: string } | null;
  order: { id: string; reference: string; customer: string; totalCents: number; currency: string; createdAt: string } | null;
  history: { id: string; at: Date; actor: string; action: string; reason: string | null }[];
}
