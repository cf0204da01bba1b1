-- An attempt row is written once, when the attempt ends; the running attempt lives on the task row
-- (attempt number, lease owner, lease expiry and this start time). Attempts still running at upgrade
-- move onto their task so that their end writes the one row.
ALTER TABLE "fulfillment_tasks" ADD COLUMN "attempt_started_at" TIMESTAMPTZ(3);

UPDATE "fulfillment_tasks" t SET "attempt_started_at" = a."started_at"
  FROM "fulfillment_attempts" a
 WHERE a."task_id" = t."id" AND a."attempt" = t."attempts" AND a."outcome" = 'running' AND t."status" = 'running';

DELETE FROM "fulfillment_attempts" WHERE "outcome" = 'running';
