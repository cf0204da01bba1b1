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

const COUNT_SQL = `
  INSERT INTO payment_counters AS c (bucket, kind, outcome, reason, event_type, shard, count, last_at)
  SELECT date_trunc('minute', now()), k, o, r, e, (random() * 7)::int, n, now()
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) AS x(k, o, r, e, n)
  ON CONFLICT (bucket, kind, outcome, reason, event_type, shard)
  DO UPDATE SET count = c.count + EXCLUDED.count, last_at = greatest(c.last_at, EXCLUDED.last_at)`;

export async function count(c: Queryable, rows: CountRow[]): Promise<void> {
  if (rows.length === 0) return;
  await c.query(COUNT_SQL, [rows.map((r) => r.kind), rows.map((r) => r.outcome), rows.map((r) => r.reason ?? ""), rows.map((r) => r.eventType ?? ""), rows.map((r) => r.n ?? 1)]);
}
