// Search on the real database: typo tolerance, ranking, pagination, logging and clicks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { correctQuery, normaliseQuery, recordClick, search } from "./search";
import { ensureTestCatalog, inYear } from "./test-helpers";

const db = pool();
const AT = inYear(2041);

beforeAll(async () => {
  await ensureTestCatalog(db);
});

afterAll(async () => {
  await db.query(`DELETE FROM catalog_searches WHERE searched_at >= $1 AND searched_at < $2`, [inYear(2041, 0), inYear(2042, 0)]);
  await db.query(`DELETE FROM catalog_query_rollups WHERE bucket >= $1 AND bucket < $2`, [inYear(2041, 0), inYear(2042, 0)]);
});

describe("typo-tolerant search", () => {
  it('finds T-shirts for "tshrit" and says what it searched for', async () => {
    const r = await search(db, { q: "tshrit", log: false, perPage: 10 });
    expect(r.corrected_query).toBe("tshirt");
    expect(r.results).toHaveLength(10);
    expect(r.total).toBeGreaterThan(10);
    for (const hit of r.results) expect(hit.title).toMatch(/T-Shirt/);
  });

  it.each([
    ["hodie", "hoodie"],
    ["sneekers", "sneakers"],
    ["merino swetter", "merino sweater"],
  ])('corrects "%s" to "%s"', async (typed, expected) => {
    expect(await correctQuery(db, typed)).toBe(expected);
    const r = await search(db, { q: typed, log: false });
    expect(r.total).toBeGreaterThan(0);
  });

  it("leaves known words alone and finds both spellings of hyphenated words", async () => {
    expect(await correctQuery(db, "black hoodie")).toBeNull();
    const hyphen = await search(db, { q: "T-Shirt", log: false, perPage: 100, page: 3 });
    const joined = await search(db, { q: "tshirt", log: false, perPage: 100, page: 3 });
    expect(hyphen.corrected_query).toBeNull();
    expect(joined.corrected_query).toBeNull();
    // Page 3 of 100 runs past the title tier: both totals are exact and equal.
    expect(hyphen.total_exact && joined.total_exact).toBe(true);
    expect(hyphen.total).toBeGreaterThan(150);
    expect(joined.total).toBe(hyphen.total);
  });

  it("treats query-syntax characters, quotes and stop words as plain text", async () => {
    for (const q of ["hoodie | ! <-> & :*", "men's rock'n'roll \\ 'quoted'", "the", "%_%", "hoodie'); DROP TABLE catalog_products; --"]) {
      const r = await search(db, { q, log: false });
      expect(r.query).toBe(q.toLowerCase());
    }
    expect((await search(db, { q: "hoodie | ! <-> & :*", log: false })).results[0].title).toMatch(/Hoodie/);
    expect(await search(db, { q: "the", log: false })).toMatchObject({ total: 0, total_exact: true });
  });

  it("does not invent results for queries the catalogue cannot answer", async () => {
    const r = await search(db, { q: "iphone case", log: false });
    expect(r.total).toBe(0);
    expect(r.results).toEqual([]);
  });
});

describe("ranking and pagination", () => {
  it("ranks a title match above a description match and never shows inactive products", async () => {
    const r = await search(db, { q: "zorblax", log: false });
    expect(r.results.map((h) => h.sku)).toEqual(["TEST-ZORB-TITLE", "TEST-ZORB-DESC"]);
    expect(r.results[0].rank).toBeGreaterThan(r.results[1].rank);
  });

  it("ranks products with every query word in the title first", async () => {
    const r = await search(db, { q: "black hoodie", log: false, perPage: 5 });
    expect(r.total).toBeGreaterThan(0);
    for (const hit of r.results) expect(hit.title).toMatch(/Hoodie.*Black/);
  });

  // Both plans: the full ranked query (few title matches) and the title tier walked in order.
  it.each([["ranked query", "100000"], ["title tier", "50"]])("pages without gaps or repeats (%s), with an exact total at the end", async (_plan, minProducts) => {
    process.env.CATALOG_SEARCH_TITLE_TIER_MIN_PRODUCTS = minProducts;
    try {
      const p1 = await search(db, { q: "scarf", log: false, perPage: 100, page: 1 });
      const p2 = await search(db, { q: "scarf", log: false, perPage: 100, page: 2 });
      const everything = [...p1.results, ...p2.results];
      expect(p2.total_exact).toBe(true);
      expect(everything).toHaveLength(p2.total);
      expect(new Set(everything.map((h) => h.sku)).size).toBe(p2.total);
      // Title matches first, in stock first; then products that mention scarves elsewhere.
      const titled = everything.filter((h) => /scarf/i.test(h.title));
      expect(everything.slice(0, titled.length)).toEqual(titled);
      expect(titled.findIndex((h) => h.stock === 0)).toBeGreaterThanOrEqual(titled.filter((h) => h.stock > 0).length);
      const pages = [];
      for (let page = 1; page <= 4; page++) pages.push(...(await search(db, { q: "scarf", log: false, perPage: 7, page })).results);
      expect(pages.map((h) => h.sku)).toEqual(everything.slice(0, 28).map((h) => h.sku));
      expect(pages[7].position).toBe(8);
      const first = await search(db, { q: "scarf", log: false, perPage: 7 });
      // The title tier stops after a page: "more than 7"; the ranked query counts every match.
      expect(first.total_exact).toBe(minProducts === "100000");
      const beyond = await search(db, { q: "scarf", log: false, perPage: 100, page: 50 });
      expect(beyond.results).toEqual([]);
      expect(beyond).toMatchObject({ total: p2.total, total_exact: true });
    } finally {
      delete process.env.CATALOG_SEARCH_TITLE_TIER_MIN_PRODUCTS;
    }
  });
});

describe("search log and clicks", () => {
  it("logs the normalised query, result count and a hashed session — never the raw session id", async () => {
    expect(normaliseQuery("  Black\tHOODIE \u200b ")).toBe("black hoodie");
    const r = await search(db, { q: "  Black  HOODIE ", sessionId: "visitor-42@example.com", at: AT });
    expect(r.search_id).toMatch(/^\d+$/);
    const { rows: [row] } = await db.query(`SELECT query, result_count, session_hash, latency_ms FROM catalog_searches WHERE id = $1`, [r.search_id]);
    expect(row.query).toBe("black hoodie");
    expect(row.result_count).toBe(r.total);
    expect(row.session_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(row.latency_ms).toBeGreaterThan(0);
    const { rows: [roll] } = await db.query(`SELECT searches, zero_results FROM catalog_query_rollups WHERE span = 'hour' AND query = 'black hoodie' AND bucket = date_trunc('hour', $1::timestamptz, 'UTC')`, [AT]);
    expect(roll).toEqual({ searches: 1, zero_results: 0 });
  });

  it("records clicks; a search clicked twice counts once as clicked", async () => {
    const r = await search(db, { q: "wool socks", at: AT });
    expect(await recordClick(db, { searchId: r.search_id!, position: 1, sku: r.results[0].sku })).toMatchObject({ clicks: 1 });
    expect(await recordClick(db, { searchId: r.search_id!, position: 3 })).toMatchObject({ clicks: 2 });
    const { rows: rolls } = await db.query(
      `SELECT span, searches, clicked_searches, clicks, click_position_sum::int AS pos FROM catalog_query_rollups
        WHERE query = 'wool socks' AND bucket = date_trunc(span, $1::timestamptz, 'UTC') ORDER BY span`,
      [AT],
    );
    expect(rolls).toEqual([
      { span: "day", searches: 1, clicked_searches: 1, clicks: 2, pos: 4 },
      { span: "hour", searches: 1, clicked_searches: 1, clicks: 2, pos: 4 },
    ]);
  });

  it("refuses a click past the results (422) and on an unknown search (404), writing nothing", async () => {
    const r = await search(db, { q: "gift card", at: AT });
    expect(r.total).toBe(0);
    const past = await recordClick(db, { searchId: r.search_id!, position: 1 }).catch((e) => e);
    expect(past).toBeInstanceOf(AppError);
    expect(past.code).toBe("validation_failed");
    const unknown = await recordClick(db, { searchId: "999999999999", position: 1 }).catch((e) => e);
    expect(unknown.code).toBe("not_found");
    const { rows: [{ n }] } = await db.query(`SELECT count(*)::int AS n FROM catalog_search_clicks WHERE search_id = $1`, [r.search_id]);
    expect(n).toBe(0);
  });
});
