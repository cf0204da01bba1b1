import "server-only";
// Webhook ingest: verify the Stripe signature over the raw body (any of the configured secrets,
// so a rotation loses nothing), then record the event once by its id. A new event of a handled
// type is enqueued as a task in the same transaction; replays only bump the delivery count.
// Nothing is written for a delivery whose signature fails, except its counter.
import type pg from "pg";
import Stripe from "stripe";
import { AppError } from "@/lib/platform/errors";
import { withTransaction } from "@/lib/platform/pg-transaction";
import { enqueue } from "@/lib/fulfillment/queue";
import { count, COUNT_SQL, countParams } from "./counters";
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

/** Records a verified event exactly once (unique id) and enqueues its processing. */
export async function recordEvent(p: pg.Pool, event: Stripe.Event): Promise<IngestResult> {
  if (typeof event.id !== "string" || !/^[A-Za-z0-9_-]{1,255}$/.test(event.id) || typeof event.type !== "string" || event.type.length > 100) {
    throw new AppError("bad_request", "The event lacks a valid id or type (expected a Stripe event object: {\"id\":\"evt_…\",\"type\":\"…\"}).");
  }
  const handled = isHandledEventType(event.type);
  const typeLabel = eventTypeLabel(event.type);
  const payload = handled ? extractTaskPayload(event) : null;
  const result = await withTransaction(p, async (client) => {
    // One statement: insert-or-bump and count. Concurrent deliveries of one id serialise on the
    // primary key; exactly one sees inserted = true.
    const { rows } = await client.query<{ inserted: boolean; task_id: string | null }>(
      `WITH ev AS (
         INSERT INTO payment_webhook_events AS e (id, type, outcome, payment_intent_id, order_reference)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET deliveries = e.deliveries + 1
         RETURNING (xmax = 0) AS inserted, task_id
       ), counted AS (${COUNT_SQL(6)})
       SELECT inserted, task_id::text FROM ev`,
      [event.id, event.type, handled ? "queued" : "ignored", payload?.paymentIntentId ?? null, payload?.orderReference ?? null,
        ...countParams([{ kind: "webhook", outcome: "received", eventType: typeLabel }])],
    );
    const inserted = rows[0].inserted;
    if (!inserted) {
      await count(client, [{ kind: "webhook", outcome: "duplicate", eventType: typeLabel }]);
      return { eventId: event.id, type: event.type, outcome: "duplicate" as const, taskId: rows[0].task_id };
    }
    if (!payload) {
      await count(client, [{ kind: "webhook", outcome: "ignored", eventType: typeLabel }]);
      return { eventId: event.id, type: event.type, outcome: "ignored" as const, taskId: null };
    }
    const [taskId] = await enqueue(client, [{ taskType: WEBHOOK_TASK_TYPE, payload, maxAttempts: WEBHOOK_MAX_ATTEMPTS }]);
    await client.query(`UPDATE payment_webhook_events SET task_id = $2 WHERE id = $1`, [event.id, taskId.toString()]);
    return { eventId: event.id, type: event.type, outcome: "queued" as const, taskId: taskId.toString() };
  });
  webhookEventsTotal.inc({ type: typeLabel, outcome: result.outcome });
  return result;
}
