import "server-only";
// WhatsApp figures read from the database, so every instance serves the same numbers: the seed's
// metrics payload (totals from the running-total rows, per-minute counters, recent failures), the
// panel's views, a message's journey and the harness's per-run diagnostics.
import type pg from "pg";
import { pool } from "@/lib/platform/db";
import { taskStatusSql } from "@/lib/fulfillment/queue";
import { env } from "@/lib/platform/env";
import { listCollectors } from "./collectors";
import { TOTAL_NAMES, type TotalName } from "./counters";
import { FAILURE_KINDS, RECENT_FAILURES_LIMIT, type FailureKind } from "./failures";

type Queryable = pg.Pool | pg.PoolClient;
const q = (c?: Queryable) => c ?? pool();

export type Totals = Record<TotalName, number>;

export async function totals(c?: Queryable): Promise<Totals> {
  const { rows } = await q(c).query<{ name: string; n: string }>(`SELECT name, sum(count)::text AS n FROM whatsapp_counter_totals GROUP BY name`);
  const out = Object.fromEntries(TOTAL_NAMES.map((n) => [n, 0])) as Totals;
  for (const r of rows) if ((TOTAL_NAMES as readonly string[]).includes(r.name)) out[r.name as TotalName] = Number(r.n);
  return out;
}

export interface MinuteCounters extends Totals {
  minute: string;
}

/** One entry per minute of the last `minutes` (zero-filled, oldest first): the 401/403/429 trend and friends. */
export async function minuteCounters(minutes: number, c?: Queryable): Promise<MinuteCounters[]> {
  const { rows } = await q(c).query<{ bucket: Date; name: string; n: string }>(
    `SELECT bucket, name, sum(count)::text AS n FROM whatsapp_counters
      WHERE bucket >= date_trunc('minute', now()) - make_interval(mins => $1 - 1) GROUP BY bucket, name`,
    [minutes],
  );
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  const points = new Map<number, MinuteCounters>();
  for (let t = end - (minutes - 1) * 60_000; t <= end; t += 60_000) {
    points.set(t, { minute: new Date(t).toISOString(), ...(Object.fromEntries(TOTAL_NAMES.map((n) => [n, 0])) as Totals) });
  }
  for (const r of rows) {
    const p = points.get(r.bucket.getTime());
    if (p && (TOTAL_NAMES as readonly string[]).includes(r.name)) p[r.name as TotalName] += Number(r.n);
  }
  return [...points.values()];
}

export interface FailureView {
  timestamp: string;
  kind: FailureKind;
  client_id: string;
  chat_title: string;
  reason: string;
  status: number | null;
  detail: string;
}

export interface FailureFilter {
  kind?: FailureKind;
  client_id?: string;
  reason?: string;
  limit?: number;
}

export async function recentFailures(f: FailureFilter = {}, c?: Queryable): Promise<FailureView[]> {
  const { rows } = await q(c).query<{ at: Date; kind: FailureKind; client_id: string; chat_title: string; reason: string; status: number | null; detail: string }>(
    `SELECT at, kind, client_id, chat_title, reason, status, detail FROM whatsapp_failures
      WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR client_id = $2) AND ($3::text IS NULL OR reason = $3)
      ORDER BY id DESC LIMIT $4`,
    [f.kind ?? null, f.client_id ?? null, f.reason ?? null, Math.min(f.limit ?? RECENT_FAILURES_LIMIT, RECENT_FAILURES_LIMIT)],
  );
  return rows.map((r) => ({ timestamp: r.at.toISOString(), kind: r.kind, client_id: r.client_id, chat_title: r.chat_title, reason: r.reason, status: r.status, detail: r.detail }));
}

/** The seed's contract: `GET /metrics/whatsapp`, and `{ whatsapp: … }` at `/metrics` for JSON clients. */
export async function metricsPayload(c?: Queryable) {
  const [t, counters, failures] = await Promise.all([totals(c), minuteCounters(60, c), recentFailures({}, c)]);
  return { totals: t, counters, recent_failures: failures, environment: env().OPSDECK_ENV, generated_at: new Date().toISOString() };
}

export { FAILURE_KINDS };

/** Ingest→offer latency percentiles per minute over the last `minutes`, from the stage timestamps. */
export async function latencySeries(minutes: number, c?: Queryable) {
  const { rows } = await q(c).query<{ minute: Date; p50: number; p95: number; n: string }>(
    `SELECT date_trunc('minute', offer_at) AS minute,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM offer_at - received_at))::float8 AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM offer_at - received_at))::float8 AS p95,
            count(*)::text AS n
       FROM whatsapp_messages WHERE offer_at >= date_trunc('minute', now()) - make_interval(mins => $1 - 1)
      GROUP BY 1 ORDER BY 1`,
    [minutes],
  );
  return rows.map((r) => ({ minute: r.minute.toISOString(), p50_seconds: r.p50, p95_seconds: r.p95, offers: Number(r.n) }));
}

export async function recentOffers(limit: number, c?: Queryable) {
  const { rows } = await q(c).query<{
    id: string; message_row_id: string; client_id: string; chat_title: string; product: string; price: string; currency: string; quantity: string | null; unit: string | null; seller: string; created_at: Date;
  }>(
    `SELECT id::text, message_row_id::text, client_id, chat_title, product, price::text, currency, quantity::text, unit, seller, created_at
       FROM whatsapp_offers ORDER BY created_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ ...r, price: Number(r.price), quantity: r.quantity === null ? null : Number(r.quantity), created_at: r.created_at.toISOString() }));
}

export async function recentExtractionErrors(limit: number, c?: Queryable) {
  const { rows } = await q(c).query<{ id: string; client_id: string; chat_title: string; text: string; extraction_error: string; extracted_at: Date }>(
    `SELECT id::text, client_id, chat_title, left(text, 200) AS text, extraction_error, extracted_at FROM whatsapp_messages
      WHERE status = 'error' ORDER BY extracted_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ ...r, extracted_at: r.extracted_at.toISOString() }));
}

interface MessageRow {
  id: string; client_id: string; chat_id: string; chat_title: string; message_id: string; sender: string; sent_at: Date; text: string; content_hash: string;
  media_sha256: string | null; run_id: string | null; status: string; duplicate_of: string | null; deliveries: number; extraction_error: string | null;
  task_id: string | null; task_status: string | null; received_at: Date; deduped_at: Date | null; accepted_at: Date | null; extracted_at: Date | null; offer_at: Date | null;
}

const MESSAGE_COLUMNS = `m.id::text, m.client_id, m.chat_id, m.chat_title, m.message_id, m.sender, m.sent_at, m.text, m.content_hash, m.media_sha256, m.run_id, m.status,
  m.duplicate_of::text, m.deliveries, m.extraction_error, m.task_id::text, ${taskStatusSql("m.task_id")} AS task_status, m.received_at, m.deduped_at, m.accepted_at, m.extracted_at, m.offer_at`;

const iso = (d: Date | null) => d?.toISOString() ?? null;

function stagesOf(r: MessageRow) {
  return { received: iso(r.received_at), deduped: iso(r.deduped_at), accepted: iso(r.accepted_at), extracted: iso(r.extracted_at), offer: iso(r.offer_at) };
}

/** A message from arrival to offer: its stages, its duplicate links, its task and its offer. */
export async function messageJourney(id: string, c?: Queryable) {
  const { rows } = await q(c).query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM whatsapp_messages m WHERE m.id = $1`, [id]);
  const m = rows[0];
  if (!m) return null;
  const [offer, copies] = await Promise.all([
    q(c).query(`SELECT product, price::float8 AS price, currency, quantity::float8 AS quantity, unit, seller, created_at FROM whatsapp_offers WHERE message_row_id = $1`, [id]),
    q(c).query<{ id: string; client_id: string; received_at: Date }>(
      `SELECT id::text, client_id, received_at FROM whatsapp_messages WHERE duplicate_of = $1 ORDER BY received_at LIMIT 20`,
      [id],
    ),
  ]);
  return {
    id: m.id, client_id: m.client_id, chat_id: m.chat_id, chat_title: m.chat_title, message_id: m.message_id, sender: m.sender, sent_at: m.sent_at.toISOString(),
    text: m.text, media_sha256: m.media_sha256, run_id: m.run_id, status: m.status, duplicate_of: m.duplicate_of, deliveries: m.deliveries,
    extraction_error: m.extraction_error, task_id: m.task_id, task_status: m.task_status, stages: stagesOf(m),
    offer: offer.rows[0] ?? null, duplicates: copies.rows.map((d) => ({ id: d.id, client_id: d.client_id, received_at: d.received_at.toISOString() })),
  };
}

export interface MessageFilter {
  status?: string;
  client_id?: string;
  q?: string;
  limit: number;
}

export async function listMessages(f: MessageFilter, c?: Queryable) {
  const { rows } = await q(c).query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM whatsapp_messages m
      WHERE ($1::text IS NULL OR m.status = $1) AND ($2::text IS NULL OR m.client_id = $2)
        AND ($3::text IS NULL OR m.message_id = $3 OR m.text ILIKE '%' || $3 || '%')
      ORDER BY m.received_at DESC, m.id DESC LIMIT $4`,
    [f.status ?? null, f.client_id ?? null, f.q ?? null, f.limit],
  );
  return rows.map((m) => ({
    id: m.id, client_id: m.client_id, chat_title: m.chat_title, message_id: m.message_id, sender: m.sender, text: m.text.slice(0, 160), status: m.status,
    duplicate_of: m.duplicate_of, extraction_error: m.extraction_error, stages: stagesOf(m),
  }));
}

/** The harness's view of one run: every message's stages, for latency and ratios. */
export async function runDiagnostics(runId: string, c?: Queryable) {
  const { rows } = await q(c).query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM whatsapp_messages m WHERE m.run_id = $1 ORDER BY m.id LIMIT 100000`,
    [runId],
  );
  return {
    run_id: runId,
    messages: rows.map((m) => ({
      id: m.id, message_id: m.message_id, chat_id: m.chat_id, status: m.status, duplicate_of: m.duplicate_of, deliveries: m.deliveries,
      extraction_error: m.extraction_error, stages: stagesOf(m),
      ingest_to_offer_seconds: m.offer_at ? (m.offer_at.getTime() - m.received_at.getTime()) / 1000 : null,
    })),
  };
}

/** The panel's snapshot: tiles over a window, the rejection trend, collectors and latency. */
export async function panelSnapshot(minutes: number, c?: Queryable) {
  const [all, series, collectors, latency] = await Promise.all([totals(c), minuteCounters(minutes, c), listCollectors(q(c)), latencySeries(minutes, c)]);
  const windowTotals = Object.fromEntries(TOTAL_NAMES.map((n) => [n, series.reduce((s, p) => s + p[n], 0)])) as Totals;
  return { minutes, generated_at: new Date().toISOString(), totals: all, window_totals: windowTotals, series, collectors, latency };
}
