import "server-only";
// Insights served from a per-window snapshot. Computing a 30-day window sums a long tail of
// per-query day rollups (hundreds of ms at a million searches, docs/benchmarks.md); every reader
// paying that is what made the page slow. One instance at a time recomputes each window about once
// a minute (a transaction-scoped advisory lock per window, so any number of instances may run the
// worker); readers take the row and cut its lists to the limit they asked for.
import type pg from "pg";
import { pool } from "@/lib/platform/db";
import { startTicker } from "@/lib/platform/ticker-worker";
import type { WorkerDefinition } from "@/lib/platform/worker-runtime";
import { cachedInsights, insights, INSIGHT_WINDOWS, type Insights, type InsightWindow } from "./insights";

/** The longest lists a reader may ask for (the API's `limit` maximum); shorter limits are prefixes. */
export const SNAPSHOT_LIMIT = 100;
/** A snapshot older than this is recomputed by the worker. */
export const SNAPSHOT_REFRESH_MS = 60_000;
/** A snapshot older than this is not served (the worker is down): readers compute instead. */
export const SNAPSHOT_MAX_AGE_MS = 5 * 60_000;
const TICK_MS = 10_000;

const WINDOWS = Object.keys(INSIGHT_WINDOWS) as InsightWindow[];

/** Recomputes the windows whose snapshot is older than `refreshMs`; returns the windows it wrote. */
export async function refreshInsightSnapshots(db: pg.Pool, opts: { now?: Date; refreshMs?: number } = {}): Promise<InsightWindow[]> {
  const refreshMs = opts.refreshMs ?? SNAPSHOT_REFRESH_MS;
  const freshAfter = new Date((opts.now ?? new Date()).getTime() - refreshMs);
  // One read finds the stale windows: most ticks find none and open no transaction.
  const { rows: stale } = await db.query<{ w: InsightWindow }>(
    `SELECT w FROM unnest($1::text[]) WITH ORDINALITY AS x(w, n)
      WHERE NOT EXISTS (SELECT 1 FROM catalog_insight_snapshots WHERE insight_window = w AND computed_at > $2) ORDER BY n`,
    [WINDOWS, freshAfter],
  );
  const written: InsightWindow[] = [];
  for (const { w: window } of stale) {
    const client = await db.connect();
    try {
      await client.query("BEGIN");
      const { rows: [gate] } = await client.query<{ ok: boolean; fresh: boolean }>(
        `SELECT pg_try_advisory_xact_lock(hashtext('catalog_insight_snapshot:' || $1)) AS ok,
                EXISTS (SELECT 1 FROM catalog_insight_snapshots WHERE insight_window = $1 AND computed_at > $2) AS fresh`,
        [window, freshAfter], // fresh again if another instance wrote it since the read above
      );
      if (!gate.ok || gate.fresh) {
        await client.query("ROLLBACK");
        continue;
      }
      const started = performance.now();
      const body = await insights(client, window, { now: opts.now, limit: SNAPSHOT_LIMIT });
      await client.query(
        `INSERT INTO catalog_insight_snapshots (insight_window, computed_at, compute_ms, body) VALUES ($1, $2, $3, $4)
         ON CONFLICT (insight_window) DO UPDATE SET computed_at = EXCLUDED.computed_at, compute_ms = EXCLUDED.compute_ms, body = EXCLUDED.body`,
        [window, body.generated_at, Math.round(performance.now() - started), body],
      );
      await client.query("COMMIT");
      written.push(window);
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  return written;
}

function cut(body: Insights, limit: number): Insights {
  return {
    ...body,
    top_queries: body.top_queries.slice(0, limit),
    trending: body.trending.slice(0, limit),
    zero_result_queries: body.zero_result_queries.slice(0, limit),
    no_click_queries: body.no_click_queries.slice(0, limit),
  };
}

/**
 * What the page, the API and the export serve: the window's snapshot when it is recent
 * (`generated_at` tells its age), else a computation (worker not running yet, or stopped).
 */
export async function servedInsights(db: pg.Pool, window: InsightWindow, limit = 20): Promise<Insights> {
  const { rows: [row] } = await db.query<{ body: Insights }>(
    `SELECT body FROM catalog_insight_snapshots WHERE insight_window = $1 AND computed_at > $2`,
    [window, new Date(Date.now() - SNAPSHOT_MAX_AGE_MS)],
  );
  return row ? cut(row.body, limit) : cachedInsights(db, window, limit);
}

/** Every instance runs it; the advisory locks let one compute each window per round. */
export const insightSnapshotsDefinition: WorkerDefinition = {
  name: "catalog-insight-snapshots",
  enabled: () => ({ enabled: true, settings: { snapshotRefreshSeconds: SNAPSHOT_REFRESH_MS / 1000 } }),
  start: async () => startTicker("catalog-insight-snapshots", TICK_MS, () => refreshInsightSnapshots(pool())),
};
