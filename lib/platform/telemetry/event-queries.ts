// Reading events back: the Events page, its live tail, the trace waterfall's entry point and
// `opsdeck verify`. Newest first with keyset pagination on id (before), or everything newer than
// a seen id (after: the live tail).
import { pool } from "../db";
import type { EventSeverity } from "./events";

export interface EventFilter {
  name?: string[];
  severity?: EventSeverity[];
  route?: string;
  requestId?: string;
  traceId?: string;
  since?: Date;
  until?: Date;
  before?: bigint;
  after?: bigint;
  limit: number;
}

export interface EventRow {
  id: string;
  at: string;
  name: string;
  severity: EventSeverity;
  route: string | null;
  tags: Record<string, string | number | boolean>;
  requestId: string | null;
  traceId: string | null;
  durationMs: number | null;
  detail: string | null;
}

export async function listEvents(f: EventFilter): Promise<{ events: EventRow[]; nextBefore: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace("?", `$${params.length}`));
  };
  if (f.name?.length) add("name = any(?::text[])", f.name);
  if (f.severity?.length) add("severity = any(?::text[])", f.severity);
  if (f.route) add("route = ?", f.route);
  if (f.requestId) add("request_id = ?", f.requestId);
  if (f.traceId) add("trace_id = ?", f.traceId);
  if (f.since) add("at >= ?", f.since);
  if (f.until) add("at < ?", f.until);
  if (f.before !== undefined) add("id < ?", String(f.before));
  if (f.after !== undefined) add("id > ?", String(f.after));
  params.push(f.limit);
  const { rows } = await pool().query<{ id: string; at: Date; name: string; severity: EventSeverity; route: string | null; tags: EventRow["tags"]; request_id: string | null; trace_id: string | null; duration_ms: number | null; detail: string | null }>(
    `select id::text, at, name, severity, route, tags, request_id, trace_id, duration_ms, detail from telemetry_events
     ${where.length ? `where ${where.join(" and ")}` : ""} order by telemetry_events.id desc limit $${params.length}`,
    params,
  );
  const events = rows.map((r) => ({ id: r.id, at: r.at.toISOString(), name: r.name, severity: r.severity, route: r.route, tags: r.tags, requestId: r.request_id, traceId: r.trace_id, durationMs: r.duration_ms, detail: r.detail }));
  return { events, nextBefore: events.length === f.limit ? events[events.length - 1].id : null };
}

/** The start of a window of `minutes` ending now. */
export function windowStart(minutes: number): Date {
  return new Date(Date.now() - minutes * 60_000);
}

/** Names and routes seen recently, for the filter menus (bounded: names and templates are code-defined). */
export async function eventFacets(): Promise<{ names: string[]; routes: string[] }> {
  const { rows } = await pool().query<{ kind: string; value: string }>(
    `select distinct 'name' as kind, name as value from telemetry_events where at > now() - interval '1 day'
     union select distinct 'route', route from telemetry_events where at > now() - interval '1 day' and route is not null
     order by 1, 2 limit 400`,
  );
  return { names: rows.filter((r) => r.kind === "name").map((r) => r.value), routes: rows.filter((r) => r.kind === "route").map((r) => r.value) };
}
