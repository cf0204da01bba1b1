import "server-only";
// Catalog search: PostgreSQL full-text search over a generated, weighted tsvector (title A,
// category B, description C), with typo tolerance from pg_trgm: each query word the catalogue does
// not contain is replaced by its nearest catalogue word (trigram similarity) before the ranked
// query runs. Every search is logged with its hourly per-query rollup in one statement.
import { createHash } from "node:crypto";
import type pg from "pg";
import { AppError, notFound } from "@/lib/platform/errors";
import { searchClicksTotal, searchDuration, searchesTotal } from "./metrics";

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
  total: number;
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

const SEARCH_SQL = `
  WITH q AS (SELECT plainto_tsquery('english', $1) AS tsq)
  SELECT p.sku, p.title, p.category, p.price_cents, p.stock,
         ts_rank(p.search_vector, q.tsq)::float8 AS rank, count(*) OVER ()::int AS total
    FROM catalog_products p, q
   WHERE p.active AND p.search_vector @@ q.tsq
   ORDER BY rank DESC, (p.stock > 0) DESC, p.id
   LIMIT $2 OFFSET $3`;

/** Runs a search and (unless log is false) records it. `q` must already be validated non-empty. */
export async function search(db: pg.Pool, input: SearchInput): Promise<SearchResult> {
  const query = normaliseQuery(input.q);
  if (!query) throw new AppError("bad_request", 'The query "q" is empty after trimming; send at least one letter or digit.');
  if (query.length > MAX_QUERY_LENGTH) throw new AppError("bad_request", `The query is ${query.length} characters; the limit is ${MAX_QUERY_LENGTH}.`);
  const page = input.page ?? 1;
  const perPage = input.perPage ?? 20;
  const started = performance.now();
  const corrected = await correctQuery(db, query);
  const { rows } = await db.query<{ sku: string; title: string; category: string; price_cents: number; stock: number; rank: number; total: number }>(SEARCH_SQL, [
    corrected ?? query,
    perPage,
    (page - 1) * perPage,
  ]);
  // Beyond the last page the window function has no row to report the total on: count separately.
  const total = rows[0]?.total ?? (page > 1 ? await countMatches(db, corrected ?? query) : 0);
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
    page,
    per_page: perPage,
    results: rows.map((r, i) => ({ position: (page - 1) * perPage + i + 1, sku: r.sku, title: r.title, category: r.category, price_cents: r.price_cents, stock: r.stock, rank: Math.round(r.rank * 1e6) / 1e6 })),
    took_ms: Math.round(tookMs * 10) / 10,
  };
}

async function countMatches(db: pg.Pool, query: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM catalog_products WHERE active AND search_vector @@ plainto_tsquery('english', $1)`, [query]);
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

/** The log row and its hourly rollup (UTC hours) in one statement; returns the search id. */
async function logSearch(db: pg.Pool, s: LoggedSearch): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `WITH s AS (
       INSERT INTO catalog_searches (query, corrected_query, result_count, latency_ms, session_hash, searched_at)
       VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now())) RETURNING id, searched_at),
     r AS (
       INSERT INTO catalog_query_rollups AS r (bucket, query, searches, zero_results, last_seen)
       SELECT date_trunc('hour', s.searched_at, 'UTC'), $1, 1, ($3 = 0)::int, s.searched_at FROM s
       ON CONFLICT (bucket, query) DO UPDATE
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
         FROM s WHERE r.bucket = date_trunc('hour', s.searched_at, 'UTC') AND r.query = s.query RETURNING 1)
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
 * description (unstemmed, "simple" dictionary), plus hyphenated words joined ("t-shirt" → "tshirt").
 * Run after a product import; cheap (a few hundred ms at 100,000 products).
 */
export async function refreshSearchTerms(db: pg.Pool): Promise<number> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    await client.query(`DELETE FROM catalog_search_terms`);
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
