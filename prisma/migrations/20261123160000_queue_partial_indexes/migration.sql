-- Queue hot path: every claim and completion is a non-HOT update (status is indexed), so each new
-- row version used to be inserted into every index of fulfillment_tasks. Partial indexes hold only
-- the rows their queries ask for: a claim now maintains the due and lease indexes, a completion the
-- finished index, and the dead-letter console indexes see dead-lettered rows only. Every query that
-- uses them names the same status literally (lib/fulfillment/queue.ts, dead-letters/queries.ts,
-- stats.ts, signals.ts). Measured in docs/benchmarks.md. Hand-written: Prisma 6 cannot model partial
-- indexes; if a later `prisma migrate dev` proposes dropping any index below, delete those lines.

-- Claim and next-due probes: due pending tasks and due retries, by run_at.
DROP INDEX "fulfillment_tasks_status_run_at_idx";
CREATE INDEX "fulfillment_tasks_due_idx" ON "fulfillment_tasks" ("status", "run_at")
  WHERE "status" IN ('pending', 'retry_scheduled');

-- Reclaiming leases of crashed workers.
DROP INDEX "fulfillment_tasks_lease_expires_at_idx";
CREATE INDEX "fulfillment_tasks_running_lease_idx" ON "fulfillment_tasks" ("lease_expires_at")
  WHERE "status" = 'running';

-- Dead-letter list: newest first, optionally by task type and time range (keyset on id).
DROP INDEX "fulfillment_tasks_status_dead_lettered_at_id_idx";
CREATE INDEX "fulfillment_tasks_dead_idx" ON "fulfillment_tasks" ("dead_lettered_at" DESC, "id" DESC)
  WHERE "status" = 'dead_lettered';
DROP INDEX "fulfillment_tasks_status_task_type_dead_lettered_at_id_idx";
CREATE INDEX "fulfillment_tasks_dead_type_idx" ON "fulfillment_tasks" ("task_type", "dead_lettered_at" DESC, "id" DESC)
  WHERE "status" = 'dead_lettered';

-- Covered by fulfillment_tasks_dead_groups_idx (error_fingerprint, task_type, dead_lettered_at).
DROP INDEX "fulfillment_tasks_error_fingerprint_status_idx";

-- SLIs over finished tasks; pending and running versions have no finished_at.
DROP INDEX "fulfillment_tasks_finished_at_idx";
CREATE INDEX "fulfillment_tasks_finished_idx" ON "fulfillment_tasks" ("finished_at")
  WHERE "finished_at" IS NOT NULL;

-- Order item → its tasks (and the ON DELETE SET NULL lookup); most queue tasks have none.
DROP INDEX "fulfillment_tasks_order_item_id_idx";
CREATE INDEX "fulfillment_tasks_order_item_idx" ON "fulfillment_tasks" ("order_item_id")
  WHERE "order_item_id" IS NOT NULL;
