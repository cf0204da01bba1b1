import "server-only";
// Demo search traffic: a query mix with the share of typos and zero-result queries a real shop
// sees (~12 % zero results), clicks that favour the top results, two queries trending upwards,
// two weeks of history seeded at start-up and a live simulator afterwards.
import { randomInt } from "node:crypto";
import type pg from "pg";
import { pool } from "@/lib/platform/db";
import { logger } from "@/lib/platform/logger";
import { startTicker } from "@/lib/platform/ticker-worker";
import type { WorkerDefinition } from "@/lib/platform/worker-runtime";
import { insertDemoProducts, prng } from "./demo-products";
import { recordClick, refreshSearchTerms, search, sessionHash } from "./search";
import { catalogSettings } from "./settings";

/** [query, weight]. Typos are corrected by search; the last group finds nothing in this catalogue. */
export const DEMO_QUERIES: readonly (readonly [string, number])[] = [
  ["t-shirt", 14], ["hoodie", 10], ["black hoodie", 6], ["jeans", 9], ["slim jeans", 4], ["sneakers", 8], ["running shoes", 5],
  ["merino wool sweater", 3], ["backpack", 5], ["tote bag", 3], ["mug", 4], ["beanie", 4], ["summer dress", 5], ["chelsea boots", 3],
  ["wool socks", 3], ["poster", 2], ["watch", 3], ["organic cotton tee", 3], ["scarf", 2], ["oxford shirt", 3], ["parka", 2],
  // Rising in the last day (see TRENDING).
  ["linen shirt", 3], ["rain jacket", 3],
  // Typos.
  ["tshrit", 2], ["hodie", 2], ["sneekers", 2], ["jeens", 1], ["backpak", 1], ["swetter", 1],
  // Not sold here: zero results.
  ["iphone case", 4], ["gift card", 3], ["swimsuit", 2], ["yoga mat", 2], ["sunglasses", 2], ["perfume", 1], ["umbrella", 1],
];
const TRENDING = new Set(["linen shirt", "rain jacket"]);

function weightedPicker(rand: () => number, boost: (q: string) => number) {
  const weights = DEMO_QUERIES.map(([q, w]) => w * boost(q));
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let x = rand() * total;
    for (let i = 0; i < weights.length; i++) if ((x -= weights[i]) < 0) return DEMO_QUERIES[i][0];
    return DEMO_QUERIES[0][0];
  };
}

/** 1-based click position: mostly the first results (≈45 % position 1), never past the results shown. */
function clickPosition(rand: () => number, results: number): number {
  let pos = 1;
  while (rand() > 0.45 && pos < Math.min(results, 10)) pos++;
  return pos;
}

const HISTORY_DAYS = 14;

/**
 * Demo catalogue and two weeks of search history (≈13,000 searches with clicks), once. Products are
 * idempotent by SKU; the history is skipped when the search log already has rows.
 */
export async function seedCatalogDemo(db: pg.Pool = pool()): Promise<void> {
  const count = catalogSettings().CATALOG_DEMO_PRODUCTS;
  const { rows: [{ n }] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM catalog_products`);
  if (n < count) {
    const inserted = await insertDemoProducts(db, 0, count);
    const terms = await refreshSearchTerms(db);
    logger.info({ event: "demo_seeded", what: "catalog products", inserted, terms }, `seeded ${inserted} demo products`);
  }
  await seedSearchHistory(db);
}

async function seedSearchHistory(db: pg.Pool): Promise<void> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('catalog_demo_history'))`);
    const seen = await client.query(`SELECT 1 FROM catalog_searches LIMIT 1`);
    if (seen.rowCount) return void (await client.query("COMMIT"));

    // Real result counts: each distinct query is run once (not logged).
    const outcome = new Map<string, { total: number; corrected: string | null }>();
    for (const [q] of DEMO_QUERIES) {
      const r = await search(db, { q, log: false, perPage: 1 });
      outcome.set(q, { total: r.total, corrected: r.corrected_query });
    }
    const rand = prng(20261203);
    const now = Date.now();
    const cols = { query: [] as string[], corrected: [] as (string | null)[], results: [] as number[], latency: [] as number[], session: [] as string[], clicks: [] as number[], at: [] as string[], position: [] as number[] };
    for (let h = HISTORY_DAYS * 24; h >= 1; h--) {
      const hourStart = now - h * 3_600_000;
      const hourOfDay = new Date(hourStart).getUTCHours();
      const volume = Math.round(25 + 20 * Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI) + rand() * 10);
      const pickQuery = weightedPicker(rand, (q) => (TRENDING.has(q) ? (h <= 24 ? 4 : 0.5) : 1));
      for (let k = 0; k < volume; k++) {
        const q = pickQuery();
        const o = outcome.get(q)!;
        const clicked = o.total > 0 && rand() < 0.55;
        cols.query.push(q);
        cols.corrected.push(o.corrected);
        cols.results.push(o.total);
        cols.latency.push(3 + rand() * 12);
        cols.session.push(sessionHash(`demo-visitor-${Math.floor(rand() * 2_000)}`)!);
        cols.clicks.push(clicked ? 1 : 0);
        cols.at.push(new Date(hourStart + rand() * 3_600_000).toISOString());
        cols.position.push(clicked ? clickPosition(rand, o.total) : 0);
      }
    }
    await client.query(
      `WITH s AS (
         INSERT INTO catalog_searches (query, corrected_query, result_count, latency_ms, session_hash, clicks, searched_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::real[], $5::text[], $6::int[], $7::timestamptz[])
         RETURNING id, clicks, searched_at),
       numbered AS (SELECT s.*, row_number() OVER (ORDER BY s.id) AS n FROM s)
       INSERT INTO catalog_search_clicks (search_id, position, clicked_at)
       SELECT numbered.id, ($8::int[])[numbered.n], numbered.searched_at + interval '8 seconds' FROM numbered WHERE numbered.clicks > 0`,
      [cols.query, cols.corrected, cols.results, cols.latency, cols.session, cols.clicks, cols.at, cols.position],
    );
    await addToRollups(client);
    await client.query("COMMIT");
    logger.info({ event: "demo_seeded", what: "catalog search history", searches: cols.query.length }, "seeded catalog search history");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Builds the hourly and daily rollups from raw log rows that bypassed search() (demo history, benchmarks):
 * every search with id > afterId. Adds to existing rollup rows.
 */
export async function addToRollups(db: pg.Pool | pg.PoolClient, afterId = "0"): Promise<void> {
  await db.query(
    `INSERT INTO catalog_query_rollups AS r (span, bucket, query, searches, zero_results, clicked_searches, clicks, click_position_sum, last_seen)
     SELECT g.span, date_trunc(g.span, s.searched_at, 'UTC'), s.query, count(*), count(*) FILTER (WHERE s.result_count = 0),
            count(*) FILTER (WHERE s.clicks > 0), sum(s.clicks), coalesce(sum(c.positions), 0), max(s.searched_at)
       FROM catalog_searches s
       LEFT JOIN (SELECT search_id, sum(position) AS positions FROM catalog_search_clicks WHERE search_id > $1::bigint GROUP BY search_id) c ON c.search_id = s.id
      CROSS JOIN (VALUES ('hour'), ('day')) g(span)
      WHERE s.id > $1::bigint
      GROUP BY 1, 2, 3
     ON CONFLICT (span, bucket, query) DO UPDATE SET
       searches = r.searches + excluded.searches, zero_results = r.zero_results + excluded.zero_results,
       clicked_searches = r.clicked_searches + excluded.clicked_searches, clicks = r.clicks + excluded.clicks,
       click_position_sum = r.click_position_sum + excluded.click_position_sum, last_seen = greatest(r.last_seen, excluded.last_seen)`,
    [afterId],
  );
}

/** Runs `count` searches from the demo mix through the real search path, clicking like shoppers do. */
export async function runDemoSearches(db: pg.Pool, count: number, rand: () => number = Math.random): Promise<void> {
  const pickQuery = weightedPicker(rand, (q) => (TRENDING.has(q) ? 4 : 1));
  for (let i = 0; i < count; i++) {
    const r = await search(db, { q: pickQuery(), perPage: 10, sessionId: `demo-visitor-${randomInt(2_000)}` });
    if (r.search_id && r.total > 0 && rand() < 0.55) {
      const position = clickPosition(rand, r.results.length);
      await recordClick(db, { searchId: r.search_id, position, sku: r.results[position - 1]?.sku });
    }
  }
}

export const catalogSimulator: WorkerDefinition = {
  name: "catalog-search-simulator",
  enabled() {
    const s = catalogSettings();
    if (!s.OPSDECK_SIMULATOR) return { enabled: false, reason: "OPSDECK_SIMULATOR is not true (the demo launcher sets it)" };
    return { enabled: true, settings: { searchesPerSecond: s.CATALOG_SIMULATOR_SEARCHES_PER_SECOND } };
  },
  async start() {
    const rate = catalogSettings().CATALOG_SIMULATOR_SEARCHES_PER_SECOND;
    return startTicker("catalog-search-simulator", 1_000, () => runDemoSearches(pool(), Math.round(rate * (0.5 + Math.random()))));
  },
};
