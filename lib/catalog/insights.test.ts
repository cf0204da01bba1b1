// Insights arithmetic on the real database: searches go through search() and recordClick() with
// timestamps in a test-only year, so the windows hold exactly the rows written here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/platform/db";
import { insights, observabilitySnapshot, zeroResultsRate } from "./insights";
import { recordClick, search } from "./search";
import { ensureTestCatalog, inYear } from "./test-helpers";

const db = pool();
const NOW = inYear(2043); // 2043-06-15 12:30 UTC
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

async function searches(q: string, n: number, at: Date): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await search(db, { q, at })).search_id!);
  return ids;
}

beforeAll(async () => {
  await ensureTestCatalog(db);
  // Current window (last 24 h): hoodie ×6, mug ×3, beanie ×1, swimsuit ×2 (zero results).
  const hoodie = await searches("hoodie", 6, ago(60));
  await searches("mug", 3, ago(50));
  await searches("beanie", 1, ago(40));
  await searches("swimsuit", 2, ago(30));
  // Previous window: hoodie ×2.
  await searches("hoodie", 2, ago(30 * 60));
  // Two hoodie searches clicked: one at position 1 then 2, one at position 3.
  await recordClick(db, { searchId: hoodie[0], position: 1 });
  await recordClick(db, { searchId: hoodie[0], position: 2 });
  await recordClick(db, { searchId: hoodie[1], position: 3 });
});

afterAll(async () => {
  for (const year of [2043, 2045]) {
    const [from, to] = [new Date(Date.UTC(year, 0, 1)), new Date(Date.UTC(year + 1, 0, 1))];
    await db.query(`DELETE FROM catalog_searches WHERE searched_at >= $1 AND searched_at < $2`, [from, to]);
    await db.query(`DELETE FROM catalog_query_rollups WHERE bucket >= $1 AND bucket < $2`, [from, to]);
  }
});

describe("insights", () => {
  it("totals, CTR, average click position and searches without clicks", async () => {
    const d = await insights(db, "24h", { now: NOW });
    expect(d.totals).toEqual({
      searches: 12,
      zero_result_searches: 2,
      zero_result_rate: 0.1667,
      clicked_searches: 2,
      ctr: 0.2, // 2 clicked of 10 searches with results
      searches_without_clicks: 8,
      distinct_queries: 4,
    });
    expect(d.top_queries.map((r) => [r.query, r.searches])).toEqual([["hoodie", 6], ["mug", 3], ["swimsuit", 2], ["beanie", 1]]);
    expect(d.top_queries[0]).toMatchObject({ clicked_searches: 2, clicks: 3, ctr: 0.3333, avg_click_position: 2, searches_without_clicks: 4 });
    expect(d.no_click_queries.map((r) => [r.query, r.searches_without_clicks])).toEqual([["hoodie", 4], ["mug", 3], ["beanie", 1]]);
  });

  it("zero-result queries with counts and last seen", async () => {
    const d = await insights(db, "24h", { now: NOW });
    expect(d.zero_result_queries).toHaveLength(1);
    expect(d.zero_result_queries[0]).toMatchObject({ query: "swimsuit", zero_result_searches: 2, ctr: null, last_seen: ago(30).toISOString() });
  });

  it("trending: rise over the previous window, new queries, and a minimum of searches", async () => {
    const d = await insights(db, "24h", { now: NOW });
    expect(d.trending.map((r) => ({ q: r.query, now: r.searches, before: r.previous_searches, rise: r.rise, growth: r.growth }))).toEqual([
      { q: "hoodie", now: 6, before: 2, rise: 4, growth: 3 },
      { q: "mug", now: 3, before: 0, rise: 3, growth: null },
    ]);
    // Over 7 days both hoodie windows fall into the current one and nothing precedes it.
    const week = await insights(db, "7d", { now: NOW });
    expect(week.top_queries[0]).toMatchObject({ query: "hoodie", searches: 8 });
    expect(week.trending.find((r) => r.query === "hoodie")).toMatchObject({ previous_searches: 0, rise: 8 });
  });

  it("trending ignores small relative rises (noise guard ×1.2)", async () => {
    const now = inYear(2045);
    const at = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    await searches("jeans", 5, at(30 * 60));
    await searches("jeans", 6, at(60)); // ×1.2: trends
    await searches("mug", 10, at(30 * 60));
    await searches("mug", 11, at(60)); // ×1.1: noise
    const d = await insights(db, "24h", { now });
    expect(d.trending.map((r) => [r.query, r.rise, r.growth])).toEqual([["jeans", 1, 1.2]]);
    expect(d.top_queries.map((r) => r.query)).toEqual(["mug", "jeans"]);
  });

  it("series per hour add up to the totals", async () => {
    const d = await insights(db, "24h", { now: NOW });
    expect(d.series.reduce((s, p) => s + p.searches, 0)).toBe(12);
    expect(d.series.reduce((s, p) => s + p.zero_result_searches, 0)).toBe(2);
  });
});

describe("zero-result rate over the sliding window", () => {
  it("is the share of zero-result searches once the sample is large enough", async () => {
    const r = await zeroResultsRate(db, { now: NOW, windowSeconds: 7200, minSampleSize: 12 });
    expect(r).toEqual({ rate: 0.1667, searches: 12, zero_result_searches: 2, window_seconds: 7200, min_sample_size: 12, enough_samples: true });
  });

  it('is null ("not enough searches"), not 0, below the minimum sample size', async () => {
    const r = await zeroResultsRate(db, { now: NOW, windowSeconds: 7200, minSampleSize: 13 });
    expect(r).toMatchObject({ rate: null, searches: 12, zero_result_searches: 2, enough_samples: false });
    const empty = await zeroResultsRate(db, { now: inYear(2044), windowSeconds: 7200, minSampleSize: 1 });
    expect(empty).toMatchObject({ rate: null, searches: 0, enough_samples: false });
  });

  it("the observability snapshot carries it in the checker's shape, under 1 KB", async () => {
    const snap = await observabilitySnapshot(db, { now: NOW, minSampleSize: 10 });
    expect(Object.keys(snap.zero_results).sort()).toEqual(["enough_samples", "min_sample_size", "rate", "searches", "window_seconds", "zero_result_searches"]);
    expect(snap.products.active).toBeGreaterThan(0);
    expect(JSON.stringify(snap).length).toBeLessThan(1024);
  });
});
