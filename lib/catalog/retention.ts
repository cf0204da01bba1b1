import "server-only";
// The search log grows with every search: raw rows (and their clicks, by cascade) and rollups are
// kept for their configured days, deleted in batches. Idempotent, safe on every instance.
import type pg from "pg";
import { pool } from "@/lib/platform/db";
import { DELETE_BATCH, deleteInBatches } from "@/lib/platform/batch-delete";
import { deleteOlderThan, retentionWorker } from "@/lib/platform/retention";
import { catalogSettings } from "./settings";

const DAY_MS = 86_400_000;

export async function pruneSearchLog(db: pg.Pool, now = new Date()): Promise<{ searches: number; rollups: number }> {
  const s = catalogSettings();
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const searches = await deleteOlderThan(db, { table: "catalog_searches", key: "id", column: "searched_at", before: before(s.CATALOG_SEARCH_LOG_RETENTION_DAYS) });
  let rollups = 0;
  // Rollups are cut per span (hour rows go sooner than day rows).
  for (const [span, days] of [["hour", s.CATALOG_HOUR_ROLLUP_RETENTION_DAYS], ["day", s.CATALOG_DAY_ROLLUP_RETENTION_DAYS]] as const) {
    rollups += await deleteInBatches(
      db,
      `DELETE FROM catalog_query_rollups WHERE ctid IN (
         SELECT ctid FROM catalog_query_rollups WHERE span = $1 AND bucket < $2 LIMIT ${DELETE_BATCH})`,
      [span, before(days)],
    );
  }
  return { searches, rollups };
}

export const catalogRetentionDefinition = retentionWorker({
  name: "catalog-retention",
  everyMs: 60 * 60_000,
  prune: () => pruneSearchLog(pool()),
  settings: () => {
    const s = catalogSettings();
    return { searchLogDays: s.CATALOG_SEARCH_LOG_RETENTION_DAYS, hourRollupDays: s.CATALOG_HOUR_ROLLUP_RETENTION_DAYS, dayRollupDays: s.CATALOG_DAY_ROLLUP_RETENTION_DAYS };
  },
});
