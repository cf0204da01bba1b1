-- Dead-letter console: error groups at 1M dead-lettered rows. Grouping by (fingerprint, task type)
-- becomes a (parallel) index-only scan with no sort (count, first/last seen, task types), and each
-- group's newest sample is one index probe on (fingerprint, its newest task type, last seen). Partial, like fulfillment_tasks_dead_error_trgm, so the queue's hot
-- path never maintains it. Hand-written: Prisma cannot model partial indexes (if a later
-- `prisma migrate dev` proposes dropping "fulfillment_tasks_dead_groups_idx", delete that line).
CREATE INDEX "fulfillment_tasks_dead_groups_idx" ON "fulfillment_tasks" ("error_fingerprint", "task_type", "dead_lettered_at")
  WHERE "status" = 'dead_lettered';
