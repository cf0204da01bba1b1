import "server-only";
// Bulk re-reconciliation (seed §15, "schema change affecting diff calculations"; and after an
// outage, the claims that went missing): a kind of the platform's bulk operations
// (lib/fulfillment/dead-letters/bulk.ts), so it gets the frozen set, dry run, reason and audit,
// chunked progress, cancel and crash resume. Each chunk puts finished claims of the set back to
// `queued` as a new round of the retry schedule and enqueues their next attempt with the
// affiliate's current priority; claims still in flight are skipped.
import type pg from "pg";
import { createBulk, registerBulkKind } from "@/lib/fulfillment/dead-letters/bulk";
import { notifyWorkers } from "@/lib/fulfillment/dead-letters/actions";
import { PRIORITY_BY_BUCKET, TERMINAL_STATUSES } from "./classify";
import { submissionWhere, type SubmissionFilter } from "./submissions";
import { RECONCILE_TASK_TYPE } from "./task-types";

export const RERECONCILE_ACTION = "reconciliation.rereconcile";
const TERMINAL = TERMINAL_STATUSES.map((s) => `'${s}'`).join(", ");
const PRIORITIES = `'${JSON.stringify(PRIORITY_BY_BUCKET)}'::jsonb`;

const matching = (f: SubmissionFilter, params: unknown[]) =>
  `FROM reconciliation_submissions s JOIN reconciliation_affiliates a ON a.id = s.affiliate_id WHERE ${submissionWhere(f, params)} AND s.status IN (${TERMINAL})`;

export const rereconcileKind = registerBulkKind({
  action: RERECONCILE_ACTION,
  auditAction: "reconciliation.bulk_rereconcile",
  selectIds: (f, params) => `SELECT s.id ${matching(f as SubmissionFilter, params)}`,
  chunkSql: `changed AS (
      UPDATE reconciliation_submissions s SET status = 'queued', attempt_base = s.attempts, missing_reason = NULL, reconciled_at = NULL
       WHERE s.id IN (SELECT task_id FROM marked) AND s.status IN (${TERMINAL})
       RETURNING s.id, s.attempts, s.affiliate_id
    ), enqueued AS (
      INSERT INTO fulfillment_tasks (task_type, payload, priority)
      SELECT '${RECONCILE_TASK_TYPE}', jsonb_build_object('submissionId', c.id::text, 'attempt', c.attempts + 1), (${PRIORITIES} ->> a.trust_bucket)::smallint
        FROM changed c JOIN reconciliation_affiliates a ON a.id = c.affiliate_id
    )`,
  afterChunk: notifyWorkers,
  nothingMatches: "No finished claim matches this filter (claims still queued or retrying are not re-reconciled); nothing to do.",
});

/** The dry run: how many finished claims match, and a few of them. */
export async function previewRereconcile(p: pg.Pool, f: SubmissionFilter) {
  const params: unknown[] = [];
  const from = matching(f, params);
  const [count, sample] = await Promise.all([
    p.query<{ n: number }>(`SELECT count(*)::int AS n ${from}`, params),
    p.query(`SELECT s.id::text, s.platform, s.post_id AS "postId", s.status, s.missing_reason AS "missingReason", a.name AS affiliate ${from} ORDER BY s.id DESC LIMIT 5`, params),
  ]);
  return { count: count.rows[0].n, sample: sample.rows };
}

export function startRereconcile(f: SubmissionFilter, who: { actor: string; reason?: string }, opts: { start?: boolean } = {}) {
  const stored = Object.fromEntries(Object.entries(f).filter(([, v]) => typeof v === "string" && v)) as Record<string, string>;
  return createBulk(RERECONCILE_ACTION, f, stored, who, opts);
}
