-- CreateEnum
CREATE TYPE "task_status" AS ENUM ('pending', 'running', 'succeeded', 'retry_scheduled', 'dead_lettered', 'discarded');

-- CreateEnum
CREATE TYPE "attempt_outcome" AS ENUM ('running', 'succeeded', 'failed', 'dead_lettered', 'lease_expired');

-- CreateTable
CREATE TABLE "orders" (
    "id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "customer" TEXT NOT NULL,
    "total_cents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'EUR',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_items" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fulfillment_tasks" (
    "id" BIGSERIAL NOT NULL,
    "task_type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "original_payload" JSONB,
    "status" "task_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 5,
    "run_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_owner" TEXT,
    "lease_expires_at" TIMESTAMPTZ(3),
    "last_error_class" TEXT,
    "last_error" TEXT,
    "error_fingerprint" TEXT,
    "order_item_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "dead_lettered_at" TIMESTAMPTZ(3),

    CONSTRAINT "fulfillment_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fulfillment_attempts" (
    "id" BIGSERIAL NOT NULL,
    "task_id" BIGINT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "task_type" TEXT NOT NULL,
    "worker_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "lease_expires_at" TIMESTAMPTZ(3),
    "outcome" "attempt_outcome" NOT NULL DEFAULT 'running',
    "error_class" TEXT,
    "error_message" TEXT,
    "error_stack" TEXT,
    "duration_ms" INTEGER,
    "backoff_ms" INTEGER,

    CONSTRAINT "fulfillment_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fulfillment_workers" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "state" TEXT NOT NULL DEFAULT 'running',
    "settings" JSONB NOT NULL,
    "loop_errors" BIGINT NOT NULL DEFAULT 0,
    "last_loop_at" TIMESTAMPTZ(3),
    "last_loop_ms" INTEGER,
    "stopped_at" TIMESTAMPTZ(3),

    CONSTRAINT "fulfillment_workers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fulfillment_bulk_operations" (
    "id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "total" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "changed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "fulfillment_bulk_operations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fulfillment_bulk_operation_items" (
    "operation_id" UUID NOT NULL,
    "task_id" BIGINT NOT NULL,
    "done" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "fulfillment_bulk_operation_items_pkey" PRIMARY KEY ("operation_id","task_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "orders_reference_key" ON "orders"("reference");

-- CreateIndex
CREATE INDEX "orders_created_at_idx" ON "orders"("created_at" DESC);

-- CreateIndex
CREATE INDEX "order_items_order_id_idx" ON "order_items"("order_id");

-- CreateIndex
CREATE INDEX "fulfillment_tasks_status_run_at_idx" ON "fulfillment_tasks"("status", "run_at");

-- CreateIndex
CREATE INDEX "fulfillment_tasks_status_dead_lettered_at_id_idx" ON "fulfillment_tasks"("status", "dead_lettered_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "fulfillment_tasks_status_task_type_dead_lettered_at_id_idx" ON "fulfillment_tasks"("status", "task_type", "dead_lettered_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "fulfillment_tasks_error_fingerprint_status_idx" ON "fulfillment_tasks"("error_fingerprint", "status");

-- CreateIndex
CREATE INDEX "fulfillment_tasks_lease_expires_at_idx" ON "fulfillment_tasks"("lease_expires_at");

-- CreateIndex
CREATE INDEX "fulfillment_tasks_finished_at_idx" ON "fulfillment_tasks"("finished_at");

-- CreateIndex
CREATE INDEX "fulfillment_tasks_order_item_id_idx" ON "fulfillment_tasks"("order_item_id");

-- CreateIndex
CREATE INDEX "fulfillment_attempts_task_id_attempt_idx" ON "fulfillment_attempts"("task_id", "attempt");

-- CreateIndex
CREATE INDEX "fulfillment_attempts_finished_at_outcome_idx" ON "fulfillment_attempts"("finished_at", "outcome");

-- CreateIndex
CREATE INDEX "fulfillment_workers_heartbeat_at_idx" ON "fulfillment_workers"("heartbeat_at");

-- CreateIndex
CREATE INDEX "fulfillment_bulk_operations_created_at_idx" ON "fulfillment_bulk_operations"("created_at" DESC);

-- CreateIndex
CREATE INDEX "fulfillment_bulk_operation_items_operation_id_done_idx" ON "fulfillment_bulk_operation_items"("operation_id", "done");

-- AddForeignKey
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fulfillment_tasks" ADD CONSTRAINT "fulfillment_tasks_order_item_id_fkey" FOREIGN KEY ("order_item_id") REFERENCES "order_items"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fulfillment_attempts" ADD CONSTRAINT "fulfillment_attempts_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "fulfillment_tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fulfillment_bulk_operation_items" ADD CONSTRAINT "fulfillment_bulk_operation_items_operation_id_fkey" FOREIGN KEY ("operation_id") REFERENCES "fulfillment_bulk_operations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
