// Snapshots and retention on the real database. Snapshot searches sit in a test-only year; the
// retention rows sit 10 and 40 days back from today, so the other test files' years are untouched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/platform/db";
import { insights } from "./insights";
import { refreshInsightSnapshots, servedInsights } from "./insight-snapshots";
import { pruneSearchLog } from "./retention";
import { search } from "./search";
import { ensureTestCatalog, inYear } from "./test-helpers";

const db = pool();
const NOW = inYear(2047);
const DAY_MS = 86_400_000;

beforeAll(async () => {
  await ensureTestCatalog(db);
  await db.query(`DELETE FROM catalog_insight_snapshots`);
  for (const q of ["hoodie", "hoodie", "hoodie", "mug", "swimsuit"]) await search(db, { q, at: new Date(NOW.getTime() - 3_600_000) });
});

afterAll(async () => {
  await db.query(`DELETE FROM catalog_insight_snapshots`);
  const [from, to] = [new Date(Date.UTC(2047, 0, 1)), new Date(Date.UTC(2048, 0, 1))];
  await db.query(`DELETE FROM catalog_searches WHERE searched_at >= $1 AND searched_at < $2`, [from, to]);
  await db.query(`DELETE FROM catalog_query_rollups WHERE bucket >= $1 AND bucket < $2`, [from, to]);
});

describe("insight snapshots", () => {
  it("computes each window once per refresh interval and serves it cut to the limit asked for", async () => {
    expect(await refreshInsightSnapshots(db, { now: NOW })).toEqual(["24h", "7d", "30d"]);
    expect(await refreshInsightSnapshots(db, { now: NOW })).toEqual([]);

    const served = await servedInsights(db, "24h", 1);
    const computed = await insights(db, "24h", { now: NOW, limit: 1 });
    expect(served).toEqual(computed);
    expect(served.top_queries.map((q) => [q.query, q.searches])).toEqual([["hoodie", 3]]);
    expect(served.totals.searches).toBe(5);
  });

  it("skips a window another instance is computing", async () => {
    const other = await db.connect();
    try {
      await other.query("BEGIN");
      await other.query(`SELECT pg_advisory_xact_lock(hashtext('catalog_insight_snapshot:' || $1))`, ["7d"]);
      expect(await refreshInsightSnapshots(db, { now: NOW, refreshMs: 0 })).toEqual(["24h", "30d"]);
    } finally {
      await other.query("ROLLBACK");
      other.release();
    }
  });

  it("computes instead of serving a snapshot the worker stopped refreshing", async () => {
    await db.query(`UPDATE catalog_insight_snapshots SET computed_at = now() - interval '1 hour' WHERE insight_window = '24h'`);
    const served = await servedInsights(db, "24h", 5);
    expect(Date.now() - Date.parse(served.generated_at)).toBeLessThan(60_000);
    expect(served.from).not.toBe((await insights(db, "24h", { now: NOW })).from);
  });
});

describe("search log retention", () => {
  it("deletes raw searches and rollups older than their configured days, keeps the rest", async () => {
    const now = new Date();
    const old = await search(db, { q: "retention-probe-old", at: new Date(now.getTime() - 40 * DAY_MS) });
    const recent = await search(db, { q: "retention-probe-recent", at: new Date(now.getTime() - 10 * DAY_MS) });
    const rollups = async (query: string) =>
      (await db.query<{ span: string }>(`SELECT span FROM catalog_query_rollups WHERE query = $1 ORDER BY span`, [query])).rows.map((r) => r.span);
    expect(await rollups("retention-probe-recent")).toEqual(["day", "hour"]);

    const pruned = await pruneSearchLog(db, now);
    expect(pruned.searches).toBeGreaterThanOrEqual(1);

    const { rows } = await db.query<{ id: string }>(`SELECT id::text FROM catalog_searches WHERE id = ANY($1::bigint[])`, [[old.search_id, recent.search_id]]);
    expect(rows.map((r) => r.id)).toEqual([recent.search_id]);
    expect(await rollups("retention-probe-old")).toEqual(["day"]); // day rows kept 400 days; hour rows 7
    expect(await rollups("retention-probe-recent")).toEqual(["day"]);
    await db.query(`DELETE FROM catalog_searches WHERE id = $1`, [recent.search_id]);
    await db.query(`DELETE FROM catalog_query_rollups WHERE query LIKE 'retention-probe-%'`);
  });
});
