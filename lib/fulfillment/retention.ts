import "server-only";
// Attempt history is kept FULFILLMENT_ATTEMPT_RETENTION_DAYS (default 35: the SLOs read attempts over
// 28-day windows, plus a week). A succeeded task is nothing but its attempt rows, so without a limit
// the table grew with every task ever run. Attempts of a task still in the queue table (dead-lettered,
// discarded, waiting for a retry) are kept whatever their age: its page and the dead-letter console
// show them. Idempotent, safe on every instance.
import type pg from "pg";
import { pool } from "@/lib/platform/db";
import { DELETE_BATCH, deleteInBatches } from "@/lib/platform/batch-delete";
import { retentionWorker } from "@/lib/platform/retention";
import { fulfillmentSettings } from "./settings";

export async function pruneAttempts(db: pg.Pool, now = new Date()): Promise<{ attempts: number }> {
  const before = new Date(now.getTime() - fulfillmentSettings().FULFILLMENT_ATTEMPT_RETENTION_DAYS * 86_400_000);
  const attempts = await deleteInBatches(
    db,
    `DELETE FROM fulfillment_attempts WHERE ctid IN (
       SELECT a.ctid FROM fulfillment_attempts a
        WHERE a.finished_at < $1 AND NOT EXISTS (SELECT 1 FROM fulfillment_tasks t WHERE t.id = a.task_id)
        LIMIT ${DELETE_BATCH})`,
    [before],
  );
  return { attempts };
}

export const fulfillmentRetentionDefinition = retentionWorker({
  name: "fulfillment-retention",
  everyMs: 60 * 60_000,
  prune: () => pruneAttempts(pool()),
  settings: () => ({ attemptDays: fulfillmentSettings().FULFILLMENT_ATTEMPT_RETENTION_DAYS }),
});
