import "server-only";
// The seed's totals as database counters: a per-minute row (time series, alert signals) and a
// running total (the metrics payload reads ≤ 12 × 8 rows whatever the history), both upserted in
// one statement inside the transaction of the outcome they count, so every instance's figures add
// up. Rows are sharded (0–7) so concurrent writers do not queue on one row lock; one statement
// uses one shard and names in TOTAL_NAMES order, and callers count once per transaction, so two
// transactions never lock the same rows in opposite orders.
import type pg from "pg";

type Queryable = pg.Pool | pg.PoolClient;

export const TOTAL_NAMES = [
  "accepted",
  "created",
  "deduped",
  "extracted",
  "errors",
  "media_uploaded",
  "media_deduped",
  "media_failed",
  "auth_failures",
  "forbidden",
  "rate_limited",
  "signature_failures",
] as const;
export type TotalName = (typeof TOTAL_NAMES)[number];
export type Counts = Partial<Record<TotalName, number>>;

/** The counting CTEs (names over $first, counts over $first+1), to put in a caller's WITH list. */
export const COUNT_CTES = (first: number) => COUNT_CTES_FROM(`SELECT n, c FROM unnest($${first}::text[], $${first + 1}::bigint[]) AS u(n, c)`);

/** The counting CTEs over a query yielding (n text, c bigint) rows in TOTAL_NAMES order. */
export const COUNT_CTES_FROM = (source: string) => `
  wa_shard AS (SELECT (random() * 7)::int AS shard),
  wa_x AS (SELECT u.n, u.c, wa_shard.shard FROM (${source}) AS u(n, c), wa_shard WHERE u.c > 0),
  wa_per_minute AS (
    INSERT INTO whatsapp_counters AS w (bucket, name, shard, count)
    SELECT date_trunc('minute', now()), n, shard, c FROM wa_x
    ON CONFLICT (bucket, name, shard) DO UPDATE SET count = w.count + EXCLUDED.count
  ),
  wa_totals AS (
    INSERT INTO whatsapp_counter_totals AS t (name, shard, count)
    SELECT n, shard, c FROM wa_x
    ON CONFLICT (name, shard) DO UPDATE SET count = t.count + EXCLUDED.count
  )`;

export function countParams(counts: Counts): [string[], number[]] {
  const entries = TOTAL_NAMES.filter((k) => (counts[k] ?? 0) > 0).map((k) => [k, counts[k]!] as const);
  return [entries.map(([k]) => k), entries.map(([, n]) => n)];
}

export async function count(c: Queryable, counts: Counts): Promise<void> {
  const [names, ns] = countParams(counts);
  if (names.length) await c.query(`WITH ${COUNT_CTES(1)} SELECT 1`, [names, ns]);
}
