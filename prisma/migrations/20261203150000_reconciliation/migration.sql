-- Reconciliation (lib/reconciliation): affiliates (each linked to one API key with scope
-- reconciliation:submit), their claims (submissions), one row per fetch attempt, the figures
-- fetched from the platform, overclaim alerts and trust-score history. See
-- prisma/schema/reconciliation.prisma.
--
-- Also a general `priority` on the shared queue (lower runs first; 0 for every existing task):
-- fresh tasks are claimed by (priority, run_at) from their own partial index, so a backlog of
-- low-priority work (a low-trust affiliate's claims) cannot starve anyone else's. The due index
-- (status, run_at) stays for retries and the next-due probe; only enqueues maintain the new index
-- (a claimed row's new version is 'running' and leaves both).
ALTER TABLE "fulfillment_tasks" ADD COLUMN "priority" SMALLINT NOT NULL DEFAULT 0;
CREATE INDEX "fulfillment_tasks_pending_priority_idx" ON "fulfillment_tasks" ("priority", "run_at")
  WHERE "status" = 'pending';

CREATE TABLE "reconciliation_affiliates" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "api_key_id" UUID NOT NULL,
    "trust_score" INTEGER NOT NULL,
    "trust_bucket" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "trust_updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reconciliation_affiliates_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "reconciliation_affiliates_name_key" ON "reconciliation_affiliates"("name");
CREATE UNIQUE INDEX "reconciliation_affiliates_api_key_id_key" ON "reconciliation_affiliates"("api_key_id");
CREATE INDEX "reconciliation_affiliates_trust_bucket_idx" ON "reconciliation_affiliates"("trust_bucket", "trust_score");
ALTER TABLE "reconciliation_affiliates" ADD CONSTRAINT "reconciliation_affiliates_api_key_id_fkey"
  FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "reconciliation_submissions" (
    "id" BIGSERIAL NOT NULL,
    "affiliate_id" UUID NOT NULL,
    "platform" TEXT NOT NULL,
    "post_id" TEXT NOT NULL,
    "claimed_views" BIGINT,
    "claimed_clicks" BIGINT,
    "claimed_sales" BIGINT,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "missing_reason" TEXT,
    "classification" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "attempt_base" INTEGER NOT NULL DEFAULT 0,
    "priority" SMALLINT NOT NULL,
    "trust_delta" INTEGER,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "first_attempt_at" TIMESTAMPTZ(3),
    "reconciled_at" TIMESTAMPTZ(3),

    CONSTRAINT "reconciliation_submissions_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "reconciliation_submissions_submitted_at_idx" ON "reconciliation_submissions"("submitted_at" DESC, "id" DESC);
CREATE INDEX "reconciliation_submissions_affiliate_idx" ON "reconciliation_submissions"("affiliate_id", "submitted_at" DESC);
CREATE INDEX "reconciliation_submissions_post_idx" ON "reconciliation_submissions"("platform", "post_id");
CREATE INDEX "reconciliation_submissions_reconciled_at_idx" ON "reconciliation_submissions"("reconciled_at") WHERE "reconciled_at" IS NOT NULL;
-- Queue depth and the "open" list: only unfinished submissions.
CREATE INDEX "reconciliation_submissions_open_idx" ON "reconciliation_submissions"("submitted_at") WHERE "status" IN ('queued', 'retrying');
ALTER TABLE "reconciliation_submissions" ADD CONSTRAINT "reconciliation_submissions_affiliate_id_fkey"
  FOREIGN KEY ("affiliate_id") REFERENCES "reconciliation_affiliates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "reconciliation_attempts" (
    "id" BIGSERIAL NOT NULL,
    "submission_id" BIGINT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "worker_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "duration_ms" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "error_code" TEXT,
    "error_message" TEXT,
    "backoff_seconds" DOUBLE PRECISION,

    CONSTRAINT "reconciliation_attempts_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "reconciliation_attempts_submission_id_attempt_key" ON "reconciliation_attempts"("submission_id", "attempt");
CREATE INDEX "reconciliation_attempts_finished_at_idx" ON "reconciliation_attempts"("finished_at");
ALTER TABLE "reconciliation_attempts" ADD CONSTRAINT "reconciliation_attempts_submission_id_fkey"
  FOREIGN KEY ("submission_id") REFERENCES "reconciliation_submissions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "reconciliation_platform_reports" (
    "id" BIGSERIAL NOT NULL,
    "submission_id" BIGINT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "post_id" TEXT NOT NULL,
    "views" BIGINT,
    "clicks" BIGINT,
    "sales" BIGINT,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reconciliation_platform_reports_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "reconciliation_platform_reports_submission_id_idx" ON "reconciliation_platform_reports"("submission_id");
ALTER TABLE "reconciliation_platform_reports" ADD CONSTRAINT "reconciliation_platform_reports_submission_id_fkey"
  FOREIGN KEY ("submission_id") REFERENCES "reconciliation_submissions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "reconciliation_alerts" (
    "id" BIGSERIAL NOT NULL,
    "submission_id" BIGINT NOT NULL,
    "affiliate_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "margin" DOUBLE PRECISION NOT NULL,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reconciliation_alerts_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "reconciliation_alerts_submission_id_type_key" ON "reconciliation_alerts"("submission_id", "type");
CREATE INDEX "reconciliation_alerts_created_at_idx" ON "reconciliation_alerts"("created_at" DESC);
ALTER TABLE "reconciliation_alerts" ADD CONSTRAINT "reconciliation_alerts_submission_id_fkey"
  FOREIGN KEY ("submission_id") REFERENCES "reconciliation_submissions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "reconciliation_alerts" ADD CONSTRAINT "reconciliation_alerts_affiliate_id_fkey"
  FOREIGN KEY ("affiliate_id") REFERENCES "reconciliation_affiliates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "reconciliation_trust_history" (
    "id" BIGSERIAL NOT NULL,
    "affiliate_id" UUID NOT NULL,
    "submission_id" BIGINT,
    "previous_score" INTEGER NOT NULL,
    "new_score" INTEGER NOT NULL,
    "delta" INTEGER NOT NULL,
    "bucket" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reconciliation_trust_history_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "reconciliation_trust_history_affiliate_idx" ON "reconciliation_trust_history"("affiliate_id", "created_at" DESC);
CREATE INDEX "reconciliation_trust_history_created_at_idx" ON "reconciliation_trust_history"("created_at");
ALTER TABLE "reconciliation_trust_history" ADD CONSTRAINT "reconciliation_trust_history_affiliate_id_fkey"
  FOREIGN KEY ("affiliate_id") REFERENCES "reconciliation_affiliates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
