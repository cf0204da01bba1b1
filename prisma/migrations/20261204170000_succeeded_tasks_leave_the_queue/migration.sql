-- A task that succeeds leaves fulfillment_tasks; its final attempt row keeps its record (when it was
-- enqueued, its payload and order item). A completion was an UPDATE that wrote a second row version
-- of the task with new primary-key and finished-index entries; a DELETE writes neither, which took
-- four worker processes from 0.79x to parity with graphile-worker (docs/benchmarks.md). The queue
-- table now holds only what is queued, running, dead-lettered or discarded, so it no longer grows
-- with every task ever run.
ALTER TABLE "fulfillment_attempts"
  ADD COLUMN "task_created_at" TIMESTAMPTZ(3),
  ADD COLUMN "payload" JSONB,
  ADD COLUMN "order_item_id" UUID;

-- Deleting a task no longer deletes its attempts: for a succeeded task they are its only record.
DROP TRIGGER "fulfillment_tasks_delete_attempts" ON "fulfillment_tasks";
DROP FUNCTION "fulfillment_tasks_delete_attempts"();

-- Existing succeeded tasks: their record moves onto their success attempt (one is written for any
-- task that has none), then the task rows go.
UPDATE "fulfillment_attempts" a
   SET "task_created_at" = t."created_at", "payload" = t."payload", "order_item_id" = t."order_item_id"
  FROM "fulfillment_tasks" t
 WHERE t."id" = a."task_id" AND t."status" = 'succeeded' AND a."outcome" = 'succeeded';

INSERT INTO "fulfillment_attempts" ("task_id", "attempt", "task_type", "worker_id", "started_at", "finished_at", "outcome",
                                    "task_created_at", "payload", "order_item_id")
SELECT t."id", t."attempts", t."task_type", coalesce(t."lease_owner", 'unknown'), coalesce(t."finished_at", t."updated_at"),
       coalesce(t."finished_at", t."updated_at"), 'succeeded', t."created_at", t."payload", t."order_item_id"
  FROM "fulfillment_tasks" t
 WHERE t."status" = 'succeeded'
   AND NOT EXISTS (SELECT 1 FROM "fulfillment_attempts" a WHERE a."task_id" = t."id" AND a."outcome" = 'succeeded');

DELETE FROM "fulfillment_tasks" WHERE "status" = 'succeeded';

-- Attempts are read by task (the task page) and by time (SLIs, signals): keyed by (task_id, id), the
-- primary key serves the task page, so a success attempt maintains two B-trees instead of three.
ALTER TABLE "fulfillment_attempts" DROP CONSTRAINT "fulfillment_attempts_pkey";
DROP INDEX "fulfillment_attempts_task_id_attempt_idx";
ALTER TABLE "fulfillment_attempts" ADD CONSTRAINT "fulfillment_attempts_pkey" PRIMARY KEY ("task_id", "id");
