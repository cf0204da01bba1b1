import "server-only";
// Webhook ingest: verify the Stripe signature over the raw body (any of the configured secrets,
// so a rotation loses nothing), then record the event once by its id. A new event of a handled
// type is enqueued as a task in the same transaction; replays only bump the delivery count.
// Nothing is written for a delivery whose signature fails, except its counter.
import type pg from "pg";
import Stripe from "stripe";
import { AppError } from "@/lib/platform/errors";
import { processSingleton } from "@/lib/platform/global";
import { NOTIFY_CHANNEL, validateTask } from "@/lib/fulfillment/queue";
import { count } from "./counters";
import { eventTypeLabel, webhookEventsTotal } from "./metrics";
import { isHandledEventType, WEBHOOK_TASK_TYPE, type WebhookTaskPayload } from "./task-types";

export const WEBHOOK_MAX_ATTEMPTS = 5;

export type VerifyFailure = "webhook_signature_invalid" | "webhook_timestamp_expired";

/** The SDK's verification, tried with each secret; a timestamp error means a secret matched. */
export function verifyEvent(raw: Buffer, header: string | null, secrets: string[], toleranceSeconds: number): Stripe.Event {
  if (secrets.length === 0) {
    throw new AppError("unavailable", "Webhook verification is not configured: set STRIPE_WEBHOOK_SECRET (several secrets may be comma-separated during a rotation).");
  }
  if (!header) throw new AppError("webhook_signature_invalid", "The Stripe-Signature header is missing: this endpoint only accepts webhooks signed by Stripe.");
  let expired = false;
  for (const secret of secrets) {
    try {
      return Stripe.webhooks.constructEvent(raw, header, secret, toleranceSeconds);
    } catch (err) {
      if (!(err instanceof Stripe.errors.StripeSignatureVerificationError)) throw err;
      if (/tolerance/i.test(err.message)) expired = true;
    }
  }
  if (expired) {
    throw new AppError(
      "webhook_timestamp_expired",
      `The webhook's signature timestamp is more than ${toleranceSeconds} s away from our clock: a stale replay, or a clock out of sync. Stripe retries with a fresh signature.`,
    );
  }
  throw new AppError("webhook_signature_invalid", "The Stripe-Signature does not match the body with any configured webhook secret: check STRIPE_WEBHOOK_SECRET against the endpoint's signing secret in Stripe.");
}

/** Counts a rejected delivery (no event row: its content cannot be trusted). */
export async function countSignatureFailure(p: pg.Pool, code: VerifyFailure): Promise<void> {
  const outcome = code === "webhook_signature_invalid" ? "signature_invalid" : "timestamp_expired";
  await count(p, [{ kind: "webhook", outcome, reason: outcome, eventType: "other" }]);
  webhookEventsTotal.inc({ type: "other", outcome });
}

type Obj = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" && v.length > 0 && v.length <= 255 ? v : null);
const int = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : null);

/** What the handler needs from the event object, without card details. */
export function extractTaskPayload(event: Stripe.Event): WebhookTaskPayload {
  const o = (event.data?.object ?? {}) as unknown as Obj;
  const meta = (o.metadata ?? {}) as Obj;
  const isIntent = event.type.startsWith("payment_intent.");
  const lastError = (o.last_payment_error ?? {}) as Obj;
  return {
    eventId: event.id,
    eventType: event.type as WebhookTaskPayload["eventType"],
    paymentIntentId: isIntent ? str(o.id) : str(o.payment_intent),
    orderReference: str(meta.order_reference)?.slice(0, 200) ?? null,
    amountCents: int(event.type === "charge.refunded" ? o.amount_refunded : o.amount),
    failureCode: str(lastError.decline_code ?? lastError.code)?.slice(0, 100) ?? null,
  };
}

export interface IngestResult {
  eventId: string;
  type: string;
  outcome: "queued" | "ignored" | "duplicate";
  taskId: string | null;
}

/**
 * Records verified events exactly once and enqueues their processing. Deliveries arriving while a
 * write is in flight are batched into the next one (one statement, one commit for all of them): a
 * commit per delivery would make the WAL flush and the hot counter rows the ceiling. One statement
 * is atomic without a transaction. Within a batch, deliveries of one id are folded in memory;
 * across batches and processes they serialise on the primary key, and exactly one delivery sees
 * inserted = true and inserts the task (its id drawn first, so the event row carries the link to its
 * task, later its dead letter). The task row is the queue's: payload checked by the queue's
 * validateTask(), workers woken on its NOTIFY_CHANNEL. Rows are written in id order, so concurrent
 * batches lock in one order and cannot deadlock.
 */
const RECORD_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::jsonb[], $8::int[])
    AS x(id, type, intent, ref, label, handled, payload, n)
), numbered AS (
  SELECT input.*, CASE WHEN handled THEN nextval(pg_get_serial_sequence('fulfillment_tasks', 'id')) END AS task_id FROM input
), ev AS (
  INSERT INTO payment_webhook_events AS e (id, type, outcome, payment_intent_id, order_reference, task_id, deliveries)
  SELECT id, type, CASE WHEN handled THEN 'queued' ELSE 'ignored' END, intent, ref, task_id, n FROM numbered ORDER BY id
  ON CONFLICT (id) DO UPDATE SET deliveries = e.deliveries + EXCLUDED.deliveries
  RETURNING e.id, (xmax = 0) AS inserted, e.task_id
), task AS (
  INSERT INTO fulfillment_tasks (id, task_type, payload, max_attempts)
  SELECT ev.task_id, $9, nb.payload, $10 FROM ev JOIN numbered nb USING (id) WHERE ev.inserted AND nb.handled ORDER BY ev.task_id
  RETURNING id
), woken AS (
  SELECT pg_notify($11, '') WHERE EXISTS (SELECT 1 FROM task)
), counted AS (
  INSERT INTO payment_counters AS c (bucket, kind, outcome, reason, event_type, shard, count, last_at)
  SELECT date_trunc('minute', now()), 'webhook', o.outcome, '', nb.label, pg_backend_pid() & 7, sum(o.n), now()
    FROM ev JOIN numbered nb USING (id),
         LATERAL (VALUES ('received', nb.n),
                         ('duplicate', CASE WHEN ev.inserted THEN nb.n - 1 ELSE nb.n END),
                         ('ignored', CASE WHEN ev.inserted AND NOT nb.handled THEN 1 ELSE 0 END)) AS o(outcome, n)
   WHERE o.n > 0
   GROUP BY o.outcome, nb.label
  ON CONFLICT (bucket, kind, outcome, reason, event_type, shard)
  DO UPDATE SET count = c.count + EXCLUDED.count, last_at = greatest(c.last_at, EXCLUDED.last_at)
)
SELECT ev.id, ev.inserted, ev.task_id::text, (SELECT count(*) FROM woken) AS woken FROM ev`;

interface Pending {
  event: Stripe.Event;
  payload: WebhookTaskPayload | null;
  resolve: (r: IngestResult) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 500;
const batches = processSingleton("paymentWebhookBatches", () => new Map<pg.Pool, { queue: Pending[]; writing: boolean }>());

async function writeBatch(p: pg.Pool, items: Pending[]): Promise<void> {
  const byId = new Map<string, Pending[]>();
  for (const it of items) byId.set(it.event.id, [...(byId.get(it.event.id) ?? []), it]);
  const unique = [...byId.values()].map((group) => group[0]);
  const { rows } = await p.query<{ id: string; inserted: boolean; task_id: string | null }>({
    name: "payments_record_webhooks",
    text: RECORD_SQL,
    values: [
      unique.map((u) => u.event.id),
      unique.map((u) => u.event.type),
      unique.map((u) => u.payload?.paymentIntentId ?? null),
      unique.map((u) => u.payload?.orderReference ?? null),
      unique.map((u) => eventTypeLabel(u.event.type)),
      unique.map((u) => u.payload !== null),
      unique.map((u) => (u.payload ? JSON.stringify(u.payload) : null)),
      unique.map((u) => byId.get(u.event.id)!.length),
      WEBHOOK_TASK_TYPE,
      WEBHOOK_MAX_ATTEMPTS,
      NOTIFY_CHANNEL,
    ],
  });
  for (const row of rows) {
    byId.get(row.id)!.forEach((it, i) => {
      const outcome = row.inserted && i === 0 ? (it.payload ? "queued" : "ignored") : "duplicate";
      webhookEventsTotal.inc({ type: eventTypeLabel(it.event.type), outcome });
      it.resolve({ eventId: row.id, type: it.event.type, outcome, taskId: it.payload ? row.task_id : null });
    });
  }
}

/** Drains the pool's queue one statement at a time while deliveries keep arriving. */
async function drain(p: pg.Pool): Promise<void> {
  const state = batches.get(p)!;
  state.writing = true;
  try {
    while (state.queue.length) {
      const items = state.queue.splice(0, MAX_BATCH);
      await writeBatch(p, items).catch((err) => items.forEach((it) => it.reject(err)));
    }
  } finally {
    state.writing = false;
  }
}

export function recordEvent(p: pg.Pool, event: Stripe.Event): Promise<IngestResult> {
  if (typeof event.id !== "string" || !/^[A-Za-z0-9_-]{1,255}$/.test(event.id) || typeof event.type !== "string" || event.type.length > 100) {
    return Promise.reject(new AppError("bad_request", "The event lacks a valid id or type (expected a Stripe event object: {\"id\":\"evt_…\",\"type\":\"…\"})."));
  }
  let payload: WebhookTaskPayload | null;
  try {
    payload = isHandledEventType(event.type) ? (validateTask(WEBHOOK_TASK_TYPE, extractTaskPayload(event)) as WebhookTaskPayload) : null;
  } catch (err) {
    return Promise.reject(err);
  }
  if (!batches.has(p)) batches.set(p, { queue: [], writing: false });
  const state = batches.get(p)!;
  return new Promise((resolve, reject) => {
    state.queue.push({ event, payload, resolve, reject });
    if (!state.writing) void drain(p);
  });
}
