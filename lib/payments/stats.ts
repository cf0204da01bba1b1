import "server-only";
// Payment figures read from the database (payment_counters and the event log), so every instance
// serves the same numbers. Observability stays < 1 KB: totals, bounded reason buckets, one
// failure's metadata — never card data, payloads or secrets.
import type pg from "pg";
import { pool } from "@/lib/platform/db";
import { taskStatusSql } from "@/lib/fulfillment/queue";
import { HANDLED_EVENT_TYPES } from "./task-types";

type Queryable = pg.Pool | pg.PoolClient;
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const q = (c?: Queryable) => c ?? pool();

interface CounterSum {
  kind: string;
  outcome: string;
  reason: string;
  n: string;
}

function totalsFrom(rows: CounterSum[]) {
  const sum = (kind: string, ...outcomes: string[]) => rows.filter((r) => r.kind === kind && outcomes.includes(r.outcome)).reduce((s, r) => s + num(r.n), 0);
  const failure_buckets: Record<string, number> = {};
  for (const r of rows) {
    const failed = r.outcome === "failed" || r.outcome === "signature_invalid" || r.outcome === "timestamp_expired";
    if (failed && r.reason) failure_buckets[r.reason] = (failure_buckets[r.reason] ?? 0) + num(r.n);
  }
  const succeeded = sum("checkout", "succeeded"), failed = sum("checkout", "failed"), processing = sum("checkout", "processing");
  return {
    checkout: { totals: { attempted: succeeded + failed + processing, succeeded, failed } },
    webhooks: {
      totals: {
        received: sum("webhook", "received"),
        processed: sum("webhook", "processed"),
        failed: sum("webhook", "failed"),
        signature_failures: sum("webhook", "signature_invalid", "timestamp_expired"),
        duplicates: sum("webhook", "duplicate"),
        ignored: sum("webhook", "ignored"),
      },
    },
    failure_buckets,
  };
}

async function counterSums(c: Queryable | undefined, sinceMinutes: number | null): Promise<CounterSum[]> {
  const { rows } = await q(c).query<CounterSum>(
    `SELECT kind, outcome, reason, sum(count)::text AS n FROM payment_counters
      WHERE $1::int IS NULL OR bucket >= date_trunc('minute', now()) - make_interval(mins => $1::int - 1)
      GROUP BY kind, outcome, reason`,
    [sinceMinutes],
  );
  return rows;
}

const FAILURE_OUTCOMES = ["failed", "signature_invalid", "timestamp_expired"];

/** The newest failure of any kind, from the counters' last_at (index scan, no history walk). */
async function lastFailure(c?: Queryable) {
  const { rows } = await q(c).query<{ last_at: Date; kind: string; reason: string; event_type: string }>(
    `SELECT last_at, kind, reason, event_type FROM payment_counters WHERE outcome = ANY($1::text[]) ORDER BY last_at DESC LIMIT 1`,
    [FAILURE_OUTCOMES],
  );
  const r = rows[0];
  if (!r) return null;
  return { at: r.last_at.toISOString(), reason: r.reason || "unknown", event_type: r.kind === "checkout" ? "checkout" : r.event_type || "other" };
}

export async function observabilitySnapshot(c?: Queryable) {
  const [sums, last] = await Promise.all([counterSums(c, null), lastFailure(c)]);
  return { ...totalsFrom(sums), last_failure: last };
}

export const PANEL_WINDOWS = { "15m": 15, "1h": 60, "6h": 360, "24h": 1440 } as const;
export type PanelWindow = keyof typeof PANEL_WINDOWS;

/** Totals over the window, failures per reason over time (≤ 60 points) and the latest failures. */
export async function panelSnapshot(window: PanelWindow, c?: Queryable) {
  const minutes = PANEL_WINDOWS[window];
  const step = Math.max(1, Math.round(minutes / 60));
  const [sums, series, checkoutFailures, webhookFailures, last] = await Promise.all([
    counterSums(c, minutes),
    q(c).query<{ t: Date; reason: string; n: string }>(
      `SELECT to_timestamp(floor(extract(epoch FROM bucket) / ($2 * 60)) * $2 * 60) AS t, reason, sum(count)::text AS n
         FROM payment_counters
        WHERE bucket >= date_trunc('minute', now()) - make_interval(mins => $1 - 1) AND outcome = ANY($3::text[]) AND reason <> ''
        GROUP BY 1, 2 ORDER BY 1`,
      [minutes, step, FAILURE_OUTCOMES],
    ),
    q(c).query<{ at: Date; reason: string | null; message: string | null; reference: string; amount_cents: number; currency: string }>(
      `SELECT pi.updated_at AS at, pi.failure_reason AS reason, pi.failure_message AS message, o.reference, pi.amount_cents, pi.currency
         FROM payment_intents pi JOIN orders o ON o.id = pi.order_id
        WHERE pi.status = 'failed' ORDER BY pi.updated_at DESC LIMIT 10`,
    ),
    q(c).query<{ at: Date; id: string; type: string; reason: string | null; error: string | null; task_id: string | null }>(
      `SELECT failed_at AS at, id, type, failure_reason AS reason, error, task_id::text FROM payment_webhook_events
        WHERE outcome = 'failed' ORDER BY received_at DESC LIMIT 10`,
    ),
    lastFailure(c),
  ]);
  const stepMs = step * 60_000;
  const end = Math.floor(Date.now() / stepMs) * stepMs;
  const reasons = [...new Set(series.rows.map((r) => r.reason))].sort();
  const points = new Map<number, Record<string, number | string>>();
  for (let t = end - (Math.ceil(minutes / step) - 1) * stepMs; t <= end; t += stepMs) {
    points.set(t, { t: new Date(t).toISOString(), ...Object.fromEntries(reasons.map((r) => [r, 0])) });
  }
  for (const r of series.rows) {
    const p = points.get(r.t.getTime());
    if (p) p[r.reason] = num(p[r.reason]) + num(r.n);
  }
  const failures = [
    ...checkoutFailures.rows.map((r) => ({
      at: r.at.toISOString(), kind: "checkout" as const, reason: r.reason ?? "unknown", detail: `${r.reference}: ${r.amount_cents / 100} ${r.currency} — ${r.message ?? ""}`.trim(), event_id: null, task_id: null,
    })),
    ...webhookFailures.rows.map((r) => ({
      at: (r.at ?? new Date(0)).toISOString(), kind: "webhook" as const, reason: r.reason ?? "handler_error", detail: `${r.type}: ${r.error ?? ""}`, event_id: r.id, task_id: r.task_id,
    })),
  ].sort((a, b) => b.at.localeCompare(a.at)).slice(0, 12);
  return { window, step_minutes: step, generated_at: new Date().toISOString(), ...totalsFrom(sums), last_failure: last, reasons, series: [...points.values()], recent_failures: failures };
}

export const EVENT_OUTCOMES = ["queued", "processed", "failed", "ignored"] as const;
export const EVENT_TYPE_FILTERS = [...HANDLED_EVENT_TYPES, "other"] as const;

export interface EventFilter {
  /** One event by its Stripe id (the smoke's "processed once" check). */
  id?: string;
  type?: (typeof EVENT_TYPE_FILTERS)[number];
  outcome?: (typeof EVENT_OUTCOMES)[number];
  limit: number;
  /** Keyset pagination: events received before this instant. */
  before?: Date;
}

/** The webhook event log, newest first; "other" = types without a handler. */
export async function listEvents(f: EventFilter, c?: Queryable) {
  const { rows } = await q(c).query<{
    id: string; type: string; outcome: string; deliveries: number; received_at: Date; processed_at: Date | null; failed_at: Date | null;
    failure_reason: string | null; error: string | null; task_id: string | null; task_status: string | null; order_reference: string | null;
  }>(
    `SELECT e.id, e.type, e.outcome, e.deliveries, e.received_at, e.processed_at, e.failed_at, e.failure_reason, e.error, e.task_id::text,
            ${taskStatusSql("e.task_id")} AS task_status, e.order_reference
       FROM payment_webhook_events e
      WHERE ($1::text IS NULL OR ($1 = 'other' AND e.type <> ALL($5::text[])) OR e.type = $1)
        AND ($6::text IS NULL OR e.id = $6)
        AND ($2::text IS NULL OR e.outcome = $2)
        AND ($3::timestamptz IS NULL OR e.received_at < $3)
      ORDER BY e.received_at DESC LIMIT $4`,
    [f.type ?? null, f.outcome ?? null, f.before ?? null, f.limit, HANDLED_EVENT_TYPES, f.id ?? null],
  );
  return {
    events: rows.map((r) => ({
      id: r.id, type: r.type, outcome: r.outcome, deliveries: r.deliveries, received_at: r.received_at.toISOString(),
      processed_at: r.processed_at?.toISOString() ?? null, failed_at: r.failed_at?.toISOString() ?? null, failure_reason: r.failure_reason,
      error: r.error, task_id: r.task_id, task_status: r.task_status, order_reference: r.order_reference,
    })),
    next_before: rows.length === f.limit ? rows[rows.length - 1].received_at.toISOString() : null,
  };
}
