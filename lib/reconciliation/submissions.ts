import "server-only";
// Claims in, status out. A claim and its first reconciliation task are written in one statement
// (the task's NOTIFY fires at commit), answered 202 with the id; "what is the status of X" is one
// read of the claim with its attempts, last fetched report, alert and trust delta.
import type pg from "pg";
import { z } from "zod";
import { AppError, notFound } from "@/lib/platform/errors";
import { bigintId, text, timestamp } from "@/lib/platform/http/schema-types";
import { DEFAULT_MAX_ATTEMPTS, enqueueCte, sharedWorkerWaker } from "@/lib/fulfillment/queue";
import { PRIORITY_BY_BUCKET, TERMINAL_STATUSES } from "./classify";
import { reconciliationPlatforms } from "./platforms";
import { RECONCILE_TASK_TYPE } from "./task-types";
import { submissionsTotal } from "./metrics";

const count = (field: string) =>
  z.number({ error: `${field} must be a whole number` }).int(`${field} must be a whole number`).min(0, `${field} cannot be negative`).max(1e15, `${field} is implausibly large`);

export const submissionInput = z
  .object({
    platform: text("platform").trim().toLowerCase().min(1).max(32),
    post_id: text("post_id").regex(/^[A-Za-z0-9._:~-]{1,200}$/, "post_id is the platform's post id: 1–200 letters, digits or . _ : ~ -"),
    period: z
      .object({ start: timestamp("period.start"), end: timestamp("period.end") })
      .strict()
      .refine((p) => p.end.getTime() >= p.start.getTime(), { message: "period.end must not be before period.start", path: ["end"] }),
    claimed: z
      .object({ views: count("claimed.views").optional(), clicks: count("claimed.clicks").optional(), sales: count("claimed.sales").optional() })
      .strict()
      .refine((c) => c.views !== undefined || c.clicks !== undefined || c.sales !== undefined, "claim at least one of views, clicks or sales"),
  })
  .strict();
export type SubmissionInput = z.infer<typeof submissionInput>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Stores the claim and enqueues its first attempt (priority from the affiliate's trust bucket). */
export async function submitClaim(p: pg.Pool, who: { affiliateId?: string; apiKeyId?: string }, input: SubmissionInput): Promise<{ id: string; status: "queued"; priority: number }> {
  const platforms = reconciliationPlatforms();
  if (!platforms.includes(input.platform)) {
    throw new AppError("validation_failed", `Unknown platform "${input.platform}". Use one of: ${platforms.join(", ")}.`, { field: "platform", allowed: platforms });
  }
  const by = who.affiliateId ? { col: "id", value: who.affiliateId } : { col: "api_key_id", value: who.apiKeyId ?? "" };
  if (!UUID.test(by.value)) throw new AppError("forbidden", "This API key is not linked to an affiliate. An admin creates affiliate keys under Reconciliation → Risk → Affiliates.");
  // One statement (one round trip, its own transaction): the claim, its first task at the trust
  // bucket's priority, and a NOTIFY for the workers (coalesced across concurrent submissions).
  const notify = sharedWorkerWaker().inline();
  const { rows } = await p.query<{ id: string; priority: number }>({
    name: `reconciliation_submit_${by.col}`, // the text differs by the affiliate lookup column
    text: `WITH sub AS (
       INSERT INTO reconciliation_submissions (affiliate_id, platform, post_id, claimed_views, claimed_clicks, claimed_sales, period_start, period_end, priority)
       SELECT a.id, $2, $3, $4, $5, $6, $7, $8, ($9::jsonb ->> a.trust_bucket)::smallint
         FROM reconciliation_affiliates a WHERE a.${by.col} = $1::uuid
       RETURNING id, priority
     ),
     ${enqueueCte({
       name: "enq",
       payload: "(SELECT jsonb_build_object('submissionId', id::text, 'attempt', 1) FROM sub)",
       priority: "(SELECT priority FROM sub)",
       typeParam: 10,
       maxAttemptsParam: 11,
       notifyParam: 12,
     })}
     SELECT id::text, priority FROM sub, (SELECT count(*) FROM enq_woken) w`,
    values: [by.value, input.platform, input.post_id, input.claimed.views ?? null, input.claimed.clicks ?? null, input.claimed.sales ?? null, input.period.start, input.period.end, JSON.stringify(PRIORITY_BY_BUCKET), RECONCILE_TASK_TYPE, DEFAULT_MAX_ATTEMPTS(), notify],
  });
  sharedWorkerWaker().committed(notify);
  const row = rows[0];
  if (!row) {
    if (who.affiliateId) throw notFound(`Affiliate ${who.affiliateId}`);
    throw new AppError("forbidden", "This API key is not linked to an affiliate. An admin creates affiliate keys under Reconciliation → Risk → Affiliates.");
  }
  const out = { id: row.id, status: "queued" as const, priority: row.priority };
  submissionsTotal.inc();
  return out;
}

const num = (v: string | null) => (v === null ? null : Number(v));

export interface SubmissionDetail {
  id: string;
  affiliate: { id: string; name: string; trustScore: number; trustBucket: string };
  platform: string;
  postId: string;
  claimed: { views: number | null; clicks: number | null; sales: number | null };
  period: { start: string; end: string };
  status: string;
  missingReason: string | null;
  classification: unknown;
  attemptCount: number;
  priority: number;
  trustDelta: number | null;
  submittedAt: string;
  firstAttemptAt: string | null;
  reconciledAt: string | null;
  attempts: { attempt: number; outcome: string; errorCode: string | null; errorMessage: string | null; durationMs: number; backoffSeconds: number | null; startedAt: string; finishedAt: string; workerId: string }[];
  lastFetch: { attempt: number; views: number | null; clicks: number | null; sales: number | null; fetchedAt: string } | null;
  alert: { id: string; type: string; severity: string; margin: number | null; message: string; createdAt: string } | null;
}

/** One claim with everything an operator asks about it; `affiliateId` limits it to that affiliate's own. */
export async function getSubmission(p: pg.Pool, id: string, opts: { affiliateId?: string } = {}): Promise<SubmissionDetail> {
  const { rows } = await p.query(
    `SELECT s.*, a.name AS affiliate_name, a.trust_score, a.trust_bucket,
            (SELECT coalesce(json_agg(json_build_object('attempt', t.attempt, 'outcome', t.outcome, 'errorCode', t.error_code, 'errorMessage', t.error_message,
                     'durationMs', t.duration_ms, 'backoffSeconds', t.backoff_seconds, 'startedAt', t.started_at, 'finishedAt', t.finished_at, 'workerId', t.worker_id) ORDER BY t.attempt), '[]')
               FROM reconciliation_attempts t WHERE t.submission_id = s.id) AS attempt_rows,
            (SELECT row_to_json(r) FROM (SELECT attempt, views::text, clicks::text, sales::text, fetched_at FROM reconciliation_platform_reports
               WHERE submission_id = s.id ORDER BY attempt DESC LIMIT 1) r) AS last_fetch,
            (SELECT row_to_json(x) FROM (SELECT id::text, type, severity, CASE WHEN margin = 'Infinity' THEN NULL ELSE margin END AS margin, message, created_at
               FROM reconciliation_alerts WHERE submission_id = s.id ORDER BY id LIMIT 1) x) AS alert
       FROM reconciliation_submissions s JOIN reconciliation_affiliates a ON a.id = s.affiliate_id
      WHERE s.id = $1::bigint AND ($2::uuid IS NULL OR s.affiliate_id = $2::uuid)`,
    [id, opts.affiliateId ?? null],
  );
  const s = rows[0];
  if (!s) throw notFound(`Submission ${id}`);
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  const lf = s.last_fetch as { attempt: number; views: string | null; clicks: string | null; sales: string | null; fetched_at: string } | null;
  const al = s.alert as { id: string; type: string; severity: string; margin: number | null; message: string; created_at: string } | null;
  return {
    id: String(s.id),
    affiliate: { id: s.affiliate_id, name: s.affiliate_name, trustScore: s.trust_score, trustBucket: s.trust_bucket },
    platform: s.platform,
    postId: s.post_id,
    claimed: { views: num(s.claimed_views), clicks: num(s.claimed_clicks), sales: num(s.claimed_sales) },
    period: { start: iso(s.period_start)!, end: iso(s.period_end)! },
    status: s.status,
    missingReason: s.missing_reason,
    classification: s.classification,
    attemptCount: s.attempts,
    priority: s.priority,
    trustDelta: s.trust_delta,
    submittedAt: iso(s.submitted_at)!,
    firstAttemptAt: iso(s.first_attempt_at),
    reconciledAt: iso(s.reconciled_at),
    attempts: s.attempt_rows,
    lastFetch: lf ? { attempt: lf.attempt, views: num(lf.views), clicks: num(lf.clicks), sales: num(lf.sales), fetchedAt: iso(lf.fetched_at)! } : null,
    alert: al ? { id: al.id, type: al.type, severity: al.severity, margin: al.margin, message: al.message, createdAt: iso(al.created_at)! } : null,
  };
}

export const SUBMISSION_STATUSES = ["queued", "retrying", ...TERMINAL_STATUSES] as const;

/** The list filter: one shape for the URL, the list API, bulk dry runs and bulk operations. */
export const submissionFilterSchema = z.object({
  /** A submission id, a post id, or the start of an affiliate's name. */
  q: z.preprocess((v) => (v === "" ? undefined : v), text("q").trim().max(200).optional()),
  status: z.preprocess((v) => (v === "" ? undefined : v), z.enum(SUBMISSION_STATUSES).optional()),
  platform: z.preprocess((v) => (v === "" ? undefined : v), text("platform").trim().toLowerCase().max(32).optional()),
  missing_reason: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["fetch_error", "circuit_open", "not_found", "timeout"]).optional()),
  affiliate: z.preprocess((v) => (v === "" ? undefined : v), z.uuid({ error: "affiliate must be an affiliate id (UUID)" }).optional()),
});
export type SubmissionFilter = z.infer<typeof submissionFilterSchema>;

/** SQL conditions for a filter, appending parameters to `params` (alias s = submissions, a = affiliates). */
export function submissionWhere(f: SubmissionFilter, params: unknown[]): string {
  const where: string[] = ["true"];
  const add = (v: unknown) => `$${params.push(v)}`;
  if (f.q) {
    const idPart = /^\d{1,18}$/.test(f.q) ? `s.id = ${add(f.q)}::bigint OR ` : "";
    where.push(`(${idPart}s.post_id = ${add(f.q)} OR a.name ILIKE ${add(`${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)})`);
  }
  if (f.status) where.push(`s.status = ${add(f.status)}`);
  if (f.platform) where.push(`s.platform = ${add(f.platform)}`);
  if (f.missing_reason) where.push(`s.missing_reason = ${add(f.missing_reason)}`);
  if (f.affiliate) where.push(`s.affiliate_id = ${add(f.affiliate)}::uuid`);
  return where.join(" AND ");
}

export async function listSubmissions(p: pg.Pool, f: SubmissionFilter & { limit?: number; before?: string }) {
  const params: unknown[] = [];
  const where = submissionWhere(f, params);
  const before = f.before ? ` AND s.id < $${params.push(f.before)}::bigint` : "";
  const limit = Math.min(200, f.limit ?? 50);
  const { rows } = await p.query(
    `SELECT s.id::text, s.platform, s.post_id AS "postId", a.name AS affiliate, s.affiliate_id AS "affiliateId", s.status, s.missing_reason AS "missingReason",
            s.attempts, s.trust_delta AS "trustDelta", s.submitted_at AS "submittedAt", s.reconciled_at AS "reconciledAt",
            s.claimed_views::text AS views, s.claimed_clicks::text AS clicks, s.claimed_sales::text AS sales
       FROM reconciliation_submissions s JOIN reconciliation_affiliates a ON a.id = s.affiliate_id
      WHERE ${where}${before}
      ORDER BY s.id DESC LIMIT ${limit + 1}`,
    params,
  );
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return { submissions: page, nextBefore: more ? page[page.length - 1].id : null };
}

export const submissionIdParam = z.object({ id: bigintId("id") }).strict();
