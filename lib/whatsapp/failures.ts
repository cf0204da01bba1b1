import "server-only";
// The recent-failure log (auth, signature, rate-limit and media failures) behind the seed's
// `recent_failures`, written together with the counters in one statement. It holds bounded,
// display-only fields: never the token, the signature, the secret or message text.
import type pg from "pg";
import { COUNT_CTES, countParams, type Counts } from "./counters";

type Queryable = pg.Pool | pg.PoolClient;

export const FAILURE_KINDS = ["auth", "signature", "rate_limit", "media"] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface FailureRow {
  kind: FailureKind;
  reason: string;
  status?: number | null;
  clientId?: string | null;
  chatTitle?: string | null;
  detail?: string | null;
}

/** Rows kept for the panel's filters; the metrics payload returns the newest 50. */
export const FAILURES_KEPT = 500;
export const RECENT_FAILURES_LIMIT = 50;

const bounded = (v: string | null | undefined, max: number) => (v ?? "").replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, max);

/** CTEs logging failures (6 arrays from $first, see failureParams) and pruning the log, for a caller's WITH list. */
export const FAILURE_LOG_CTES = (first: number) => `
  wa_logged AS (
    INSERT INTO whatsapp_failures (kind, reason, status, client_id, chat_title, detail)
    SELECT * FROM unnest($${first}::text[], $${first + 1}::text[], $${first + 2}::int[], $${first + 3}::text[], $${first + 4}::text[], $${first + 5}::text[])
    RETURNING id
  ),
  wa_pruned AS (
    -- Every 20th row trims the log back to the newest ${FAILURES_KEPT}.
    DELETE FROM whatsapp_failures WHERE EXISTS (SELECT 1 FROM wa_logged WHERE id % 20 = 0)
       AND id <= (SELECT max(id) - ${FAILURES_KEPT} FROM wa_logged)
    RETURNING 1
  )`;

export function failureParams(rows: FailureRow[]): unknown[] {
  return [
    rows.map((r) => r.kind), rows.map((r) => bounded(r.reason, 60)), rows.map((r) => r.status ?? null),
    rows.map((r) => bounded(r.clientId, 64)), rows.map((r) => bounded(r.chatTitle, 120)), rows.map((r) => bounded(r.detail, 300)),
  ];
}

/** Records failures and counts them in one statement (one round trip, outside or inside a transaction). */
export async function recordFailures(c: Queryable, rows: FailureRow[], counts: Counts): Promise<void> {
  await c.query(`WITH ${COUNT_CTES(1)}, ${FAILURE_LOG_CTES(3)} SELECT (SELECT count(*) FROM wa_pruned)`, [...countParams(counts), ...failureParams(rows)]);
}
