import "server-only";
// Read side of the audit log (the /audit page and GET /api/v1/audit): filters by actor, action and
// time range, keyset-paginated on (at desc, id desc) — served by audit_log_at_idx / the (action, at) index.
import { z } from "zod";
import { pool } from "@/lib/platform/db";
import { encodeCursor, filterTimestamp, text, toPageCursor, type PageCursor } from "@/lib/platform/http/schema-types";

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

export const auditFilterSchema = z.object({
  actor: optional(text("actor").trim().max(200)),
  action: optional(text("action").trim().max(200)),
  from: optional(filterTimestamp("from")),
  to: optional(filterTimestamp("to")),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  count: number | null;
  reason: string | null;
  details: unknown;
}

export async function listAudit(f: AuditFilter, opts: { cursor?: string | PageCursor; limit?: number } = {}) {
  const limit = opts.limit ?? 50;
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conds = ["true"];
  // Actor matches "user:alice@…" when given "alice@…" too; action matches a prefix ("fulfillment." lists a whole area).
  if (f.actor) conds.push(`(actor = ${p(f.actor)} OR actor = 'user:' || $${params.length})`);
  if (f.action) conds.push(`action LIKE ${p(`${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  if (f.from) conds.push(`at >= ${p(f.from)}`);
  if (f.to) conds.push(`at < ${p(f.to)}`);
  if (opts.cursor) {
    const c = toPageCursor(opts.cursor);
    conds.push(`(at, id) < (${p(c.at)}, ${p(c.id)}::bigint)`);
  }
  const { rows } = await pool().query(
    `SELECT id::text AS id, at, actor, action, target, count, reason, details FROM audit_log
      WHERE ${conds.join(" AND ")} ORDER BY at DESC, id DESC LIMIT ${p(limit + 1)}`,
    params,
  );
  const items: AuditRow[] = rows.slice(0, limit).map((r) => ({ ...r, at: r.at.toISOString() }));
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(last) : null;
  return { items, nextCursor };
}
