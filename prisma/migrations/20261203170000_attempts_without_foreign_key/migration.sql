-- The foreign key from attempts to tasks cost a third of every completion: its per-row check
-- (SELECT … FOR KEY SHARE on the task) took 1.56 ms of a 5.0 ms completion of 100 tasks in
-- EXPLAIN ANALYZE (docs/benchmarks.md). The queue's statements insert attempt rows only from task
-- rows they have just updated and hold locked, so the reference cannot dangle on insert; what the
-- key still did was cascade deletes, which this statement-level trigger does once per DELETE.
ALTER TABLE "fulfillment_attempts" DROP CONSTRAINT "fulfillment_attempts_task_id_fkey";

CREATE FUNCTION "fulfillment_tasks_delete_attempts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "fulfillment_attempts" a USING gone g WHERE a."task_id" = g."id";
  RETURN NULL;
END
$$;

CREATE TRIGGER "fulfillment_tasks_delete_attempts" AFTER DELETE ON "fulfillment_tasks"
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION "fulfillment_tasks_delete_attempts"();
