import "server-only";
// Per-minute payment counters in the database, upserted in the same transaction as the outcome
// they count, so every instance's figures add up (observability, panel, alert signals, SLOs).
import type pg from "pg";

type Queryable = pg.Pool | pg.PoolClient;

export type CounterKind = "checkout" | "webhook";

export interface CountRow {
  kind: CounterKind;
  outcome: string;
  reason?: string | null;
  eventType?: string | null;
  n?: number;
}

/** Upsert statement over unnest()ed arrays; exported so callers can fold it into their own CTE. */
export const COUNT_SQL = (first: number) => `
  INSERT INTO payment_counters AS c (bucket, kind, outcome, reason, event_type, shard, count, last_at)
  SELECT date_trunc('minute', now()), k, o, r, e, (random() * 7)::int, n, now()
    FROM unnest($${first}::text[], $${first + 1}::text[], $${first + 2}::text[], $${first + 3}::text[], $${first + 4}::int[]) AS x(k, o, r, e, n)
  ON CONFLICT (bucket, kind, outcome, reason, event_type, shard)
  DO UPDATE SET count = c.count + EXCLUDED.count, last_at = greatest(c.last_at, EXCLUDED.last_at)`;

export function countParams(rows: CountRow[]): unknown[] {
  return [rows.map((r) => r.kind), rows.map((r) => r.outcome), rows.map((r) => r.reason ?? ""), rows.map((r) => r.eventType ?? ""), rows.map((r) => r.n ?? 1)];
}

export async function count(c: Queryable, rows: CountRow[]): Promise<void> {
  if (rows.length) await c.query(COUNT_SQL(1), countParams(rows));
}
