// A sampled trace for the waterfall: its spans in tree order (parents before children, siblings by
// start) with their depth and offset from the trace's start.
import { pool } from "../db";

export interface WaterfallSpan {
  spanId: string;
  parentId: string | null;
  name: string;
  kind: string;
  status: string;
  depth: number;
  offsetMs: number;
  durationMs: number;
  attributes: Record<string, string | number | boolean>;
}

export async function traceWaterfall(traceId: string): Promise<{ spans: WaterfallSpan[]; totalMs: number; startedAt: string } | null> {
  const { rows } = await pool().query<{ span_id: string; parent_id: string | null; name: string; kind: string; status: string; start_at: Date; duration_ms: number; attributes: WaterfallSpan["attributes"] }>(
    `select span_id, parent_id, name, kind, status, start_at, duration_ms, attributes from telemetry_spans where trace_id = $1 order by start_at, span_id limit 500`,
    [traceId],
  );
  if (rows.length === 0) return null;
  const start = Math.min(...rows.map((r) => r.start_at.getTime()));
  const end = Math.max(...rows.map((r) => r.start_at.getTime() + r.duration_ms));
  const ids = new Set(rows.map((r) => r.span_id));
  const children = new Map<string | null, typeof rows>();
  for (const r of rows) {
    // A parent outside the sample (e.g. a remote caller's span) makes this span a root here.
    const parent = r.parent_id && ids.has(r.parent_id) ? r.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const out: WaterfallSpan[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      out.push({ spanId: r.span_id, parentId: r.parent_id, name: r.name, kind: r.kind, status: r.status, depth, offsetMs: r.start_at.getTime() - start, durationMs: r.duration_ms, attributes: r.attributes });
      walk(r.span_id, depth + 1);
    }
  };
  walk(null, 0);
  return { spans: out, totalMs: Math.max(end - start, 0.001), startedAt: new Date(start).toISOString() };
}
