-- The partial index on finished tasks served the task SLIs. Since a succeeded task leaves the table
-- (20261204170000_succeeded_tasks_leave_the_queue) those read the attempts, and nothing reads the
-- tasks by finished_at; a dead-lettering or discard still paid its entry.
DROP INDEX "fulfillment_tasks_finished_idx";
