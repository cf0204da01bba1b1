import "server-only";
// Catalog search: PostgreSQL full-text search over a generated, weighted tsvector (title A,
// category B, description C), with typo tolerance from pg_trgm: each query word the catalogue does
// not contain is replaced by its nearest catalogue word (trigram similarity) before the ranked
// query runs. Every search is logged with its hourly per-query rollup in one statement.
import { createHash } from "node:crypto";
import type pg from "pg";
import { AppError, notFound } from "@/lib/platform/errors";
import { searchClicksTotal, searchDuration, searchesTotal } from "./metrics";
import { catalogSettings } from "./settings";

export const MAX_QUERY_LENGTH = 200;
/** Words shorter than this are never "corrected" (too little signal for trigrams). */
const MIN_CORRECTABLE_LENGTH = 4;
/** Below this trigram similarity a word is left as typed (likely a real zero-result query). */
const MIN_SIMILARITY = 0.25;

export interface SearchHit {
  position: number;
  sku: string;
  title: string;
  category: string;
  price_cents: number;
  stock: number;
  rank: number;
}

export interface SearchResult {
  /** Null when the search was not logged (console "try it" searches). */
  search_id: string | null;
  query: string;
  /** The query actually run when a word was corrected ("tshrit" → "tshirt"); else null. */
  corrected_query: string | null;
  /** Matches: exact when total_exact, else a lower bound ("more than this"; see docs/catalog.md). */
  total: number;
  total_exact: boolean;
  page: number;
  per_page: number;
  results: SearchHit[];
  took_ms: number;
}

export interface SearchInput {
  q: string;
  page?: number;
  perPage?: number;
  /** The caller's session or anonymous id; only a truncated hash is stored. */
  sessionId?: string | null;
  /** false for the console's "try it" searches, so merchandisers checking a query do not skew insights. */
  log?: boolean;
  /** For demo history and tests: when the search happened. */
  at?: Date;
}

/** Lower case, Unicode-normalised, single spaces, no control characters: the logged form. */
export function normaliseQuery(raw: string): string {
  return raw
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\p{Cc}\p{Cf}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export function sessionHash(sessionId: string | null | undefined): string | null {
  return sessionId ? createHash("sha256").update(sessionId).digest("hex").slice(0, 16) : null;
}

/** The words correction looks at: letters and digits only, so "t-shirt" is looked up as "tshirt". */
function wordKey(word: string): string {
  return word.replace(/[^\p{L}\p{N}]/gu, "");
}

/**
 * Replaces each unknown word by the nearest catalogue word (one round trip for all words): the GiST
 * trigram index finds the three nearest terms; the most similar wins, then the most common.
 */
export async function correctQuery(db: pg.Pool | pg.PoolClient, query: string): Promise<string | null> {
  const words = query.split(" ");
  const keys = words.map(wordKey);
  const lookup = keys.map((k) => (k.length >= MIN_CORRECTABLE_LENGTH && !/^\d+$/.test(k) ? k : ""));
  if (lookup.every((k) => !k)) return null;
  const { rows } = await db.query<{ ord: string; term: string; sim: number; documents: number }>(
    `SELECT w.ord::text, n.term, n.sim, n.documents
       FROM unnest($1::text[]) WITH ORDINALITY AS w(word, ord)
       CROSS JOIN LATERAL (
         SELECT t.term, similarity(t.term, w.word) AS sim, t.documents
           FROM catalog_search_terms t ORDER BY t.term <-> w.word LIMIT 3) n
      WHERE w.word <> ''`,
    [lookup],
  );
  let changed = false;
  const out = words.map((word, i) => {
    const key = lookup[i];
    if (!key) return word;
    const candidates = rows.filter((r) => Number(r.ord) === i + 1);
    if (candidates.some((c) => c.term === key)) return word;
    const best = candidates.filter((c) => c.sim >= MIN_SIMILARITY).sort((a, b) => b.sim - a.sim || b.documents - a.documents)[0];
    if (!best) return word;
    changed = true;
    return best.term;
  });
  return changed ? out.join(" ") : null;
}

// Ranking: products with every query word in the title first (in stock first, then catalogue
// order), then the other matches by ts_rank. When the query's words are common in titles, the title
// tier is a separate, index-ordered query (catalog_products_browse_idx) that stops after one page: a
// word in 6,000 titles reads ~20 rows instead of ranking all 6,000 (docs/benchmarks.md). Otherwise
// (rare or unknown words: few matches) the full ranked query runs on the GIN index and also yields
// the exact total. The choice reads catalog_search_lexemes, so it never rests on the planner's guess
// for a word it has no statistics for (which can turn into an ordered walk of the whole table).
// The title query is the same tsquery with every lexeme restricted to weight A ('hoodi' → 'hoodi':A).
const TSQUERIES_SQL = `
  WITH t AS (SELECT plainto_tsquery('english', $1) AS q)
  SELECT q::text AS q, regexp_replace(q::text, '''((?:[^'']|'''')*)''', '''\\1'':A', 'g') AS title_q,
         (SELECT min(coalesce(l.title_documents, 0))::int
            FROM unnest(tsvector_to_array(to_tsvector('english', $1))) AS w(lexeme)
            LEFT JOIN catalog_search_lexemes l USING (lexeme)) AS title_documents
    FROM t`;


const TITLE_TIER_SQL = `
  SELECT sku, title, category, price_cents, stock, ts_rank(search_vector, $1::tsquery)::float8 AS rank
    FROM catalog_products
   WHERE active AND search_vector @@ $1::tsquery
   ORDER BY (stock > 0) DESC, id
   LIMIT $2 OFFSET $3`;

const RANKED_SQL = `
  SELECT sku, title, category, price_cents, stock, ts_rank(search_vector, $1::tsquery)::float8 AS rank, count(*) OVER ()::int AS total
    FROM catalog_products
   WHERE active AND search_vector @@ $1::tsquery
   ORDER BY search_vector @@ $2::tsquery DESC,
            CASE WHEN search_vector @@ $2::tsquery THEN 0 ELSE ts_rank(search_vector, $1::tsquery) END DESC,
            (stock > 0) DESC, id
   LIMIT $3 OFFSET $4`;

type HitRow = { sku: string; title: string; category: string; price_cents: number; stock: number; rank: number; total?: number };

async function runRanked(db: pg.Pool, text: string, perPage: number, offset: number): Promise<{ rows: HitRow[]; total: number; exact: boolean }> {
  const { rows: [tsq] } = await db.query<{ q: string; title_q: string; title_documents: number | null }>(TSQUERIES_SQL, [text]);
  if (!tsq.q) return { rows: [], total: 0, exact: true }; // only stop words
  if ((tsq.title_documents ?? 0) >= catalogSettings().CATALOG_SEARCH_TITLE_TIER_MIN_PRODUCTS) {
    // One row more than the page tells whether the title tier alone fills it.
    const title = await db.query<HitRow>(TITLE_TIER_SQL, [tsq.title_q, perPage + 1, offset]);
    if (title.rows.length > perPage) return { rows: title.rows.slice(0, perPage), total: offset + title.rows.length, exact: false };
  }
  const { rows } = await db.query<HitRow>(RANKED_SQL, [tsq.q, tsq.title_q, perPage, offset]);
  // Beyond the last page the window function has no row to report the total on: count separately.
  const total = rows[0]?.total ?? (offset > 0 ? await countMatches(db, tsq.q) : 0);
  return { rows, total, exact: true };
}

/** Runs a search and (unless log is false) records it. `q` must already be validated non-empty. */
export async function search(db: pg.Pool, input: SearchInput): Promise<SearchResult> {
  const query = normaliseQuery(input.q);
  if (!query) throw new AppError("bad_request", 'The query "q" is empty after trimming; send at least one letter or digit.');
  if (query.length > MAX_QUERY_LENGTH) throw new AppError("bad_request", `The query is ${query.length} characters; the limit is ${MAX_QUERY_LENGTH}.`);
  const page = input.page ?? 1;
  const perPage = input.perPage ?? 20;
  const started = performance.now();
  const corrected = await correctQuery(db, query);
  const { rows, total, exact } = await runRanked(db, corrected ?? query, perPage, (page - 1) * perPage);
  const tookMs = performance.now() - started;
  searchDuration.observe(tookMs / 1000);

  let searchId: string | null = null;
  if (input.log !== false) {
    searchId = await logSearch(db, { query, corrected, resultCount: total, latencyMs: tookMs, sessionHash: sessionHash(input.sessionId), at: input.at });
    searchesTotal.inc({ outcome: total === 0 ? "zero_results" : "results" });
  }
  return {
    search_id: searchId,
    query,
    corrected_query: corrected,
    total,
    total_exact: exact,
    page,
    per_page: perPage,
    results: rows.map((r, i) => ({ position: (page - 1) * perPage + i + 1, sku: r.sku, title: r.title, category: r.category, price_cents: r.price_cents, stock: r.stock, rank: Math.round(r.rank * 1e6) / 1e6 })),
    took_ms: Math.round(tookMs * 10) / 10,
  };
}

async function countMatches(db: pg.Pool, tsquery: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM catalog_products WHERE active AND search_vector @@ $1::tsquery`, [tsquery]);
  return rows[0].n;
}

interface LoggedSearch {
  query: string;
  corrected: string | null;
  resultCount: number;
  latencyMs: number;
  sessionHash: string | null;
  at?: Date;
}

/** The log row and its hourly and daily rollups (UTC) in one statement; returns the search id. */
async function logSearch(db: pg.Pool, s: LoggedSearch): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `WITH s AS (
       INSERT INTO catalog_searches (query, corrected_query, result_count, latency_ms, session_hash, searched_at)
       VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now())) RETURNING id, searched_at),
     r AS (
       INSERT INTO catalog_query_rollups AS r (span, bucket, query, searches, zero_results, last_seen)
       SELECT g.span, date_trunc(g.span, s.searched_at, 'UTC'), $1, 1, ($3 = 0)::int, s.searched_at FROM s, (VALUES ('hour'), ('day')) g(span)
       ON CONFLICT (span, bucket, query) DO UPDATE
         SET searches = r.searches + 1, zero_results = r.zero_results + excluded.zero_results, last_seen = greatest(r.last_seen, excluded.last_seen))
     SELECT id::text FROM s`,
    [s.query, s.corrected, s.resultCount, s.latencyMs, s.sessionHash, s.at ?? null],
  );
  return rows[0].id;
}

export interface ClickInput {
  searchId: string;
  position: number;
  sku?: string;
}

/**
 * Records a click on result `position` of a logged search, and its rollup (a search's first click
 * makes it a clicked search). 404 for an unknown search; 422 for a position past its results.
 */
export async function recordClick(db: pg.Pool, input: ClickInput): Promise<{ search_id: string; position: number; clicks: number }> {
  const { rows } = await db.query<{ result_count: number | null; clicks: number | null }>(
    `WITH before AS (SELECT result_count FROM catalog_searches WHERE id = $1),
     s AS (
       UPDATE catalog_searches SET clicks = clicks + 1
        WHERE id = $1 AND $2 <= result_count RETURNING query, searched_at, clicks),
     c AS (INSERT INTO catalog_search_clicks (search_id, position, sku) SELECT $1, $2, $3 FROM s RETURNING 1),
     r AS (
       UPDATE catalog_query_rollups r
          SET clicks = r.clicks + 1, click_position_sum = r.click_position_sum + $2, clicked_searches = r.clicked_searches + (s.clicks = 1)::int
         FROM s WHERE r.query = s.query AND r.span IN ('hour', 'day') AND r.bucket = date_trunc(r.span, s.searched_at, 'UTC') RETURNING 1)
     SELECT (SELECT result_count FROM before) AS result_count, (SELECT clicks FROM s) AS clicks`,
    [input.searchId, input.position, input.sku ?? null],
  );
  const row = rows[0];
  if (row.result_count === null) throw notFound(`Search ${input.searchId}`);
  if (row.clicks === null) {
    throw new AppError(
      "validation_failed",
      `Position ${input.position} is past the results of search ${input.searchId} (${row.result_count} result(s)); send the 1-based position of the clicked result.`,
      [{ path: "position", message: `must be between 1 and ${row.result_count}` }],
    );
  }
  searchClicksTotal.inc();
  return { search_id: input.searchId, position: input.position, clicks: row.clicks };
}

/**
 * Rebuilds the correction lexicon from the active catalogue: every word of title, category and
 * description (unstemmed, "simple" dictionary), plus hyphenated words joined ("t-shirt" → "tshirt");
 * and the stemmed lexeme counts search() plans with. Run after a product import: a stale table never
 * hides products, it only makes search pick the slower plan or miss a typo correction.
 */
export async function refreshSearchTerms(db: pg.Pool): Promise<number> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    await client.query(`DELETE FROM catalog_search_terms`);
    await client.query(`DELETE FROM catalog_search_lexemes`);
    await client.query(
      `INSERT INTO catalog_search_lexemes (lexeme, documents, title_documents)
       SELECT a.word, a.ndoc, coalesce(t.ndoc, 0)
         FROM ts_stat('SELECT search_vector FROM catalog_products WHERE active') a
         LEFT JOIN ts_stat('SELECT search_vector FROM catalog_products WHERE active', 'a') t USING (word)`,
    );
    const { rowCount } = await client.query(
      `INSERT INTO catalog_search_terms (term, documents)
       SELECT word, ndoc FROM ts_stat($$
         SELECT to_tsvector('simple', title || ' ' || regexp_replace(title, '(\\w)-(\\w)', '\\1\\2', 'g') || ' ' || category || ' ' || description)
           FROM catalog_products WHERE active $$)
        WHERE length(word) >= 3 AND word !~ '^[0-9]+$'`,
    );
    await client.query("COMMIT");
    return rowCount ?? 0;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
