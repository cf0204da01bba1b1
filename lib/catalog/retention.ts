import "server-only";
// The search log grows with every search: raw rows (and their clicks, by cascade) and rollups are
// kept for their configured days, deleted in batches. Idempotent, safe on every instance.
import type pg from "pg";
import { DELETE_BATCH, deleteInBatches } from "@/lib/platform/batch-delete";
import { catalogSettings } from "./settings";

const DAY_MS = 86_400_000;

export async function pruneSearchLog(db: pg.Pool, now = new Date()): Promise<{ searches: number; rollups: number }> {
  const s = catalogSettings();
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const searches = await deleteInBatches(
    db,
    `DELETE FROM catalog_searches WHERE id IN (SELECT id FROM catalog_searches WHERE searched_at < $1 LIMIT ${DELETE_BATCH})`,
    [before(s.CATALOG_SEARCH_LOG_RETENTION_DAYS)],
  );
  let rollups = 0;
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
