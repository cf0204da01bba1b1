-- Dead-letter console: substring search over error text (ILIKE '%…%') served by a trigram index.
-- Partial (dead-lettered rows only) so the queue's hot path never maintains it, and over the same
-- expression lib/fulfillment/dead-letters/filter.ts searches. Prisma cannot model an expression or
-- partial index, so this migration is hand-written: if a later `prisma migrate dev` proposes
-- `DROP INDEX "fulfillment_tasks_dead_error_trgm"`, delete that line from the generated SQL.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "fulfillment_tasks_dead_error_trgm" ON "fulfillment_tasks"
  USING gin ((coalesce("last_error_class", '') || ' ' || coalesce("last_error", '')) gin_trgm_ops)
  WHERE "status" = 'dead_lettered';
