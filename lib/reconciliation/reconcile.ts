import "server-only";
// One reconciliation attempt (one queued task): fetch the platform's figures through its shared
// breaker, then in one transaction record the attempt and either the result (report,
// classification, alert, trust move and history) or the next attempt (a new queued task at the
// retry schedule's time, or after the breaker's next probe) or the terminal `missing` with its
// reason. Expected outcomes (not found, outage, breaker open) are attempts, not task failures; the
// task fails (and the queue retries it) only when the database write itself fails.
// Idempotent: the write is conditional on the claim still waiting for exactly this attempt.
import os from "node:os";
import type pg from "pg";
import { logger } from "@/lib/platform/logger";
import { withTransaction } from "@/lib/platform/pg-transaction";
import { enqueue } from "@/lib/fulfillment/queue";
import { adapterFor } from "./adapters";
import { PlatformFetchError, PlatformTimeoutError } from "./errors";
import type { BreakerFor, CircuitOpen } from "./breakers";
import { bucketFor, classificationJson, classify, moveTrust, PRIORITY_BY_BUCKET, severityFor, type Figures, type MissingReason, type TerminalStatus } from "./classify";
import { classificationSettings, type ClassificationSettings } from "./settings";
import { RECONCILE_TASK_TYPE, reconcileTaskPayload } from "./task-types";
import { alertCreatedTotal, attemptDuration, statusTotal, trustBucketTotal } from "./metrics";

const log = logger.child({ component: "reconciliation.worker" });
const WORKER_ID = `${os.hostname()}:${process.pid}`;

export type AttemptOutcome = "fetched" | MissingReason;

type Fetched =
  | { outcome: "fetched"; figures: Figures }
  | { outcome: "not_found" }
  | { outcome: "timeout" | "fetch_error"; errorCode: string; message: string }
  | { outcome: "circuit_open"; errorCode: string; message: string; open: CircuitOpen };

/** Duck-typed so the worker depends on the breaker's contract, not its module identity. */
export function asCircuitOpen(err: unknown): CircuitOpen | null {
  if (!(err instanceof Error) || err.name !== "CircuitOpenError") return null;
  const e = err as Error & { nextProbeAt?: Date | null; forced?: boolean };
  return { nextProbeAt: e.nextProbeAt ?? null, forced: !!e.forced };
}

async function fetchThroughBreaker(p: pg.Pool, breakerFor: BreakerFor, s: ClassificationSettings, sub: { platform: string; post_id: string; period_start: Date; period_end: Date }): Promise<Fetched> {
  const adapter = adapterFor(sub.platform);
  try {
    // not_found is an answer (the platform is up), so it returns through the breaker as a success.
    const figures = await breakerFor(p, sub.platform, s).execute((signal) => adapter.fetchFigures({ postId: sub.post_id, periodStart: sub.period_start, periodEnd: sub.period_end }, signal));
    return figures ? { outcome: "fetched", figures } : { outcome: "not_found" };
  } catch (err) {
    const open = asCircuitOpen(err);
    if (open) return { outcome: "circuit_open", errorCode: open.forced ? "circuit_forced_open" : "circuit_open", message: (err as Error).message, open };
    if (err instanceof PlatformTimeoutError) return { outcome: "timeout", errorCode: "timeout", message: err.message };
    if (err instanceof PlatformFetchError) return { outcome: "fetch_error", errorCode: err.code, message: err.message };
    return { outcome: "fetch_error", errorCode: "unexpected", message: (err as Error)?.message ?? String(err) };
  }
}

/** Seconds until attempt n+1, or null when attempt n was the last. Never before the breaker's next probe. */
export function nextBackoffSeconds(attempt: number, s: ClassificationSettings, open: CircuitOpen | null, now = Date.now()): number | null {
  if (attempt > s.retry_schedule_seconds.length) return null;
  const scheduled = s.retry_schedule_seconds[attempt - 1];
  const probe = open?.nextProbeAt ? Math.max(0, (open.nextProbeAt.getTime() - now) / 1000) : 0;
  return Math.max(scheduled, probe);
}

export interface AttemptResult {
  submissionId: string;
  attempt: number;
  outcome: AttemptOutcome | "stale";
  status?: string;
}

export async function processReconcileTask(p: pg.Pool, payload: unknown, breakerFor: BreakerFor): Promise<AttemptResult> {
  const { submissionId, attempt } = reconcileTaskPayload.parse(payload);
  const s = classificationSettings();
  const { rows } = await p.query<{ platform: string; post_id: string; period_start: Date; period_end: Date; status: string; attempts: number }>(
    `SELECT platform, post_id, period_start, period_end, status, attempts FROM reconciliation_submissions WHERE id = $1`,
    [submissionId],
  );
  const sub = rows[0];
  if (!sub || !["queued", "retrying"].includes(sub.status) || sub.attempts !== attempt - 1) {
    log.info({ submissionId, attempt, status: sub?.status ?? "absent" }, "reconciliation task is stale (the claim moved on); nothing to do");
    return { submissionId, attempt, outcome: "stale" };
  }
  const startedAt = new Date();
  const t0 = performance.now();
  const fetched = await fetchThroughBreaker(p, breakerFor, s, sub);
  const result = await withTransaction(p, (client) => recordAttempt(client, { submissionId, attempt, platform: sub.platform, startedAt, t0, fetched, s }));
  const seconds = (performance.now() - t0) / 1000;
  attemptDuration.observe({ platform: sub.platform, outcome: fetched.outcome }, seconds);
  if (!result) return { submissionId, attempt, outcome: "stale" };
  const fields = {
    submissionId, platform: sub.platform, attempt, outcome: fetched.outcome,
    error_code: "errorCode" in fetched ? fetched.errorCode : undefined,
    backoff_seconds: result.backoffSeconds ?? undefined,
    durationMs: Math.round(seconds * 1000),
  };
  if (result.terminal) {
    statusTotal.inc({ status: result.terminal });
    if (result.bucket) trustBucketTotal.inc({ bucket: result.bucket });
    if (result.severity) {
      alertCreatedTotal.inc({ type: "overclaim", severity: result.severity });
      log.warn({ ...fields, severity: result.severity, margin: result.margin }, "Created overclaim alert");
    }
    log.info({ ...fields, status: result.terminal, missing_reason: result.missingReason, trust_delta: result.trustDelta }, "Reconciliation finished");
  } else {
    log.info(fields, "Platform fetch retry scheduled");
  }
  return { submissionId, attempt, outcome: fetched.outcome, status: result.terminal ?? "retrying" };
}

interface Recorded {
  terminal: TerminalStatus | null;
  backoffSeconds: number | null;
  missingReason?: MissingReason;
  severity?: string;
  margin?: number;
  bucket?: string;
  trustDelta?: number;
}

async function recordAttempt(
  c: pg.PoolClient,
  a: { submissionId: string; attempt: number; platform: string; startedAt: Date; t0: number; fetched: Fetched; s: ClassificationSettings },
): Promise<Recorded | null> {
  const { fetched, s } = a;
  // Lock the claim while it still waits for this attempt: a duplicate task (lease lost mid-fetch) stops here.
  const { rows } = await c.query<{ affiliate_id: string; claimed_views: string | null; claimed_clicks: string | null; claimed_sales: string | null; post_id: string; attempt_base: number; trust_delta: number | null }>(
    `SELECT affiliate_id, claimed_views, claimed_clicks, claimed_sales, post_id, attempt_base, trust_delta FROM reconciliation_submissions
      WHERE id = $1 AND attempts = $2 - 1 AND status IN ('queued', 'retrying') FOR UPDATE`,
    [a.submissionId, a.attempt],
  );
  const sub = rows[0];
  if (!sub) return null;
  const reachedPlatform = fetched.outcome === "fetched";
  // The retry schedule restarts with each round (a re-reconciliation); attempt numbers keep counting.
  const backoff = reachedPlatform ? null : nextBackoffSeconds(a.attempt - sub.attempt_base, s, fetched.outcome === "circuit_open" ? fetched.open : null);
  await c.query(
    `INSERT INTO reconciliation_attempts (submission_id, attempt, platform, worker_id, started_at, finished_at, duration_ms, outcome, error_code, error_message, backoff_seconds)
     VALUES ($1, $2, $3, $4, $5, clock_timestamp(), $6, $7, $8, $9, $10)`,
    [a.submissionId, a.attempt, a.platform, WORKER_ID, a.startedAt, Math.round(performance.now() - a.t0), fetched.outcome,
      "errorCode" in fetched ? fetched.errorCode : null, "message" in fetched ? fetched.message.slice(0, 1000) : null, backoff],
  );
  if (!reachedPlatform && backoff !== null) {
    const { rows: aff } = await c.query<{ trust_bucket: keyof typeof PRIORITY_BY_BUCKET }>(`SELECT trust_bucket FROM reconciliation_affiliates WHERE id = $1`, [sub.affiliate_id]);
    await enqueue(c, [{
      taskType: RECONCILE_TASK_TYPE,
      payload: { submissionId: a.submissionId, attempt: a.attempt + 1 },
      runAt: new Date(Date.now() + backoff * 1000),
      priority: PRIORITY_BY_BUCKET[aff[0]?.trust_bucket ?? "medium"] ?? 1,
    }]);
    await c.query(
      `UPDATE reconciliation_submissions SET status = 'retrying', attempts = $2, first_attempt_at = coalesce(first_attempt_at, clock_timestamp()) WHERE id = $1`,
      [a.submissionId, a.attempt],
    );
    return { terminal: null, backoffSeconds: backoff };
  }

  let status: TerminalStatus;
  let classification: unknown = null;
  let missingReason: MissingReason | null = null;
  let margin = 0;
  if (fetched.outcome === "fetched") {
    await c.query(
      `INSERT INTO reconciliation_platform_reports (submission_id, attempt, platform, post_id, views, clicks, sales) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [a.submissionId, a.attempt, a.platform, sub.post_id, fetched.figures.views ?? null, fetched.figures.clicks ?? null, fetched.figures.sales ?? null],
    );
    const claimed = { views: num(sub.claimed_views), clicks: num(sub.claimed_clicks), sales: num(sub.claimed_sales) };
    const r = classify(claimed, fetched.figures, s);
    status = r.class;
    margin = r.margin;
    classification = { ...classificationJson(r), settings: { base_tolerance: s.base_tolerance, growth_allowance: s.growth_allowance, overclaim_threshold: s.overclaim_threshold } };
  } else {
    status = "missing";
    missingReason = fetched.outcome;
  }

  // Trust: the affiliate row is locked so concurrent claims of one affiliate add up. A
  // re-reconciled claim first takes back what its earlier result moved, so a claim counts once.
  const { rows: trust } = await c.query<{ trust_score: number }>(`SELECT trust_score FROM reconciliation_affiliates WHERE id = $1 FOR UPDATE`, [sub.affiliate_id]);
  const previous = trust[0].trust_score;
  const earlier = sub.trust_delta ?? 0;
  const target = moveTrust(previous - earlier, status, s).score;
  const moved = { score: target, delta: target - previous };
  const bucket = bucketFor(moved.score, s);
  await c.query(`UPDATE reconciliation_affiliates SET trust_score = $2, trust_bucket = $3, trust_updated_at = now() WHERE id = $1`, [sub.affiliate_id, moved.score, bucket]);
  await c.query(
    `INSERT INTO reconciliation_trust_history (affiliate_id, submission_id, previous_score, new_score, delta, bucket, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [sub.affiliate_id, a.submissionId, previous, moved.score, moved.delta, bucket, sub.attempt_base > 0 ? `re-reconciled: ${status}` : status],
  );
  let severity: string | undefined;
  if (status === "overclaim") {
    severity = severityFor(margin, s);
    const pct = Number.isFinite(margin) ? `${Math.round(margin * 100)} % above` : "with the platform reporting zero for";
    await c.query(
      `INSERT INTO reconciliation_alerts (submission_id, affiliate_id, type, severity, margin, message) VALUES ($1, $2, 'overclaim', $3, $4, $5) ON CONFLICT DO NOTHING`,
      [a.submissionId, sub.affiliate_id, severity, margin, `Claim ${pct} the platform's figures for ${a.platform} post ${sub.post_id}`],
    );
  }
  await c.query(
    `UPDATE reconciliation_submissions
        SET status = $2, attempts = $3, missing_reason = $4, classification = $5, trust_delta = $6,
            reconciled_at = clock_timestamp(), first_attempt_at = coalesce(first_attempt_at, clock_timestamp())
      WHERE id = $1`,
    [a.submissionId, status, a.attempt, missingReason, classification === null ? null : JSON.stringify(classification), earlier + moved.delta],
  );
  return { terminal: status, backoffSeconds: null, missingReason: missingReason ?? undefined, severity, margin, bucket, trustDelta: earlier + moved.delta };
}

const num = (v: string | null) => (v === null ? null : Number(v));
