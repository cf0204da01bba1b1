

-- CreateEnum
CREATE TYPE "alert_state" AS ENUM ('pending', 'firing', 'resolved', 'inactive', 'nodata', 'error');

-- CreateTable
CREATE TABLE "alert_instances" (
    "id" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'opsdeck',
    "severity" TEXT NOT NULL,
    "labels" JSONB NOT NULL,
    "summary" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "runbook" TEXT,
    "runbook_url" TEXT,
    "state" "alert_state" NOT NULL,
    "value" DOUBLE PRECISION,
    "last_error" TEXT,
    "active_at" TIMESTAMPTZ(3) NOT NULL,
    "fired_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "last_true_at" TIMESTAMPTZ(3),
    "last_eval_at" TIMESTAMPTZ(3) NOT NULL,
    "ack_by" TEXT,
    "ack_comment" TEXT,
    "ack_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_instances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_events" (
    "id" BIGSERIAL NOT NULL,
    "instance_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "from_state" TEXT,
    "to_state" TEXT,
    "value" DOUBLE PRECISION,
    "actor" TEXT,
    "message" TEXT NOT NULL,
    "details" JSONB,

    CONSTRAINT "alert_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_samples" (
    "rule" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION,

    CONSTRAINT "alert_samples_pkey" PRIMARY KEY ("rule","at")
);

-- CreateTable
CREATE TABLE "alert_counter_snapshots" (
    "name" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "alert_counter_snapshots_pkey" PRIMARY KEY ("name","at")
);

-- CreateTable
CREATE TABLE "alert_silences" (
    "id" UUID NOT NULL,
    "matchers" JSONB NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "comment" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expired_at" TIMESTAMPTZ(3),
    "expired_by" TEXT,

    CONSTRAINT "alert_silences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_receivers" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "match" JSONB NOT NULL,
    "secret" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_receivers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_notification_groups" (
    "receiver" TEXT NOT NULL,
    "group_key" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_sent_at" TIMESTAMPTZ(3),
    "last_hash" TEXT,

    CONSTRAINT "alert_notification_groups_pkey" PRIMARY KEY ("receiver","group_key")
);

-- CreateTable
CREATE TABLE "alert_deliveries" (
    "id" UUID NOT NULL,
    "receiver" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "group_key" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "instance_ids" JSONB NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "last_error" TEXT,
    "last_status" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_evaluator_leader" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "holder" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL,
    "last_tick_ms" INTEGER,
    "last_tick_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_evaluator_leader_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_instances_state_active_at_idx" ON "alert_instances"("state", "active_at" DESC);

-- CreateIndex
CREATE INDEX "alert_instances_fingerprint_active_at_idx" ON "alert_instances"("fingerprint", "active_at" DESC);

-- CreateIndex
CREATE INDEX "alert_instances_runbook_state_idx" ON "alert_instances"("runbook", "state");

-- CreateIndex
CREATE INDEX "alert_instances_resolved_at_idx" ON "alert_instances"("resolved_at" DESC);

-- CreateIndex
CREATE INDEX "alert_events_instance_id_at_idx" ON "alert_events"("instance_id", "at");

-- CreateIndex
CREATE INDEX "alert_silences_ends_at_idx" ON "alert_silences"("ends_at");

-- CreateIndex
CREATE UNIQUE INDEX "alert_receivers_name_key" ON "alert_receivers"("name");

-- CreateIndex
CREATE INDEX "alert_deliveries_status_next_attempt_at_idx" ON "alert_deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "alert_deliveries_created_at_idx" ON "alert_deliveries"("created_at" DESC);

-- AddForeignKey
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "alert_instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- At most one open episode per alert (fingerprint): the evaluator and the Alertmanager
-- receiver rely on this to turn racing inserts into conflicts instead of duplicates.
CREATE UNIQUE INDEX "alert_instances_one_open_per_fingerprint" ON "alert_instances"("fingerprint") WHERE "state" IN ('pending', 'firing', 'nodata', 'error');
