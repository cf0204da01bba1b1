import "server-only";
// The queued processing of a verified webhook event: find its payment intent, apply the event to
// the order (and its fulfillment tasks), mark the event processed — one transaction. A final
// failure marks the event failed with a bounded reason; the task itself is then a dead letter an
// operator can inspect, edit and retry from the dead-letter console.
import type pg from "pg";
import { logger } from "@/lib/platform/logger";
import { withTransaction } from "@/lib/platform/pg-transaction";
import { NonRetryableError, isNonRetryable } from "@/lib/fulfillment/errors";
import { DISCARD_SET } from "@/lib/fulfillment/dead-letters/actions";
import { enqueue } from "@/lib/fulfillment/queue";
import { fulfillmentTasksForOrder, type ShippingChoice } from "@/lib/fulfillment/order-tasks";
import type { ClaimedTask } from "@/lib/fulfillment/queue";
import type { HandlerRegistry } from "@/lib/fulfillment/worker";
import { count } from "./counters";
import { webhookEventsTotal, webhookProcessingSeconds } from "./metrics";
import { WEBHOOK_TASK_TYPE, webhookTaskPayload, type WebhookTaskPayload } from "./task-types";

/** A webhook names a payment this deployment does not know (yet): retrying blindly cannot help. */
export class UnknownPaymentError extends NonRetryableError {
  constructor(message: string) {
    super(message);
    this.name = "UnknownPaymentError";
  }
}

export const WEBHOOK_FAILURE_REASONS = ["payment_not_found", "handler_error"] as const;

interface IntentRow {
  id: string;
  order_id: string;
  reference: string;
  status: string;
  amount_cents: number;
  currency: string;
  shipping: ShippingChoice & { notify?: "email" | "sms" };
  fulfillment_enqueued_at: Date | null;
}

async function findIntent(client: pg.PoolClient, ev: WebhookTaskPayload): Promise<IntentRow> {
  if (!ev.paymentIntentId && !ev.orderReference) {
    throw new UnknownPaymentError(`Event ${ev.eventId} names neither a payment intent nor an order reference; edit the payload to add one, or discard it.`);
  }
  // By the provider's intent id first; else the newest intent of the order named in its metadata.
  const { rows } = await client.query<IntentRow>(
    `SELECT pi.id, pi.order_id, o.reference, pi.status, pi.amount_cents, pi.currency, pi.shipping, pi.fulfillment_enqueued_at
       FROM payment_intents pi JOIN orders o ON o.id = pi.order_id
      WHERE pi.provider_intent_id = $1 OR o.reference = $2
      ORDER BY (pi.provider_intent_id = $1) DESC NULLS LAST, pi.created_at DESC
      LIMIT 1
      FOR UPDATE OF pi`,
    [ev.paymentIntentId, ev.orderReference],
  );
  if (!rows[0]) {
    throw new UnknownPaymentError(
      `No payment here matches ${ev.paymentIntentId ?? "(no intent id)"} / order ${ev.orderReference ?? "(no reference)"}: the webhook may have arrived before its checkout was recorded. Retry once the order exists, or discard it if it belongs to another system.`,
    );
  }
  return rows[0];
}

/** Discards the order's fulfillment tasks that have not run yet (of the given types, or all). */
async function cancelPendingTasks(client: pg.PoolClient, orderId: string, types: string[] | null): Promise<number> {
  const { rowCount } = await client.query(
    `UPDATE fulfillment_tasks t SET ${DISCARD_SET}
       FROM order_items i
      WHERE i.order_id = $1 AND t.order_item_id = i.id AND t.status IN ('pending', 'retry_scheduled')
        AND ($2::text[] IS NULL OR t.task_type = ANY($2::text[]))`,
    [orderId, types],
  );
  return rowCount ?? 0;
}

async function enqueueFulfillment(client: pg.PoolClient, intent: IntentRow): Promise<void> {
  if (intent.fulfillment_enqueued_at) return;
  const items = await client.query<{ id: string; sku: string; quantity: number }>(`SELECT id, sku, quantity FROM order_items WHERE order_id = $1 ORDER BY created_at, id`, [intent.order_id]);
  if (items.rows.length === 0) return;
  const s = intent.shipping;
  await enqueue(
    client,
    fulfillmentTasksForOrder(
      { reference: intent.reference, totalCents: intent.amount_cents, currency: intent.currency, items: items.rows },
      { warehouse: s.warehouse, carrier: s.carrier, postcode: s.postcode, channel: s.notify ?? "email" },
    ),
  );
  await client.query(`UPDATE payment_intents SET fulfillment_enqueued_at = now() WHERE id = $1`, [intent.id]);
}

/** Applies one event; every update is conditional on the state it moves from (out-of-order events are no-ops). */
async function apply(client: pg.PoolClient, ev: WebhookTaskPayload): Promise<void> {
  const intent = await findIntent(client, ev);
  const setStatus = (to: string, from: string[], reason: string | null = null) =>
    client.query(`UPDATE payment_intents SET status = $2, failure_reason = coalesce($4, failure_reason), updated_at = now() WHERE id = $1 AND status = ANY($3::text[])`, [
      intent.id, to, from, reason,
    ]);
  switch (ev.eventType) {
    case "payment_intent.succeeded":
      await setStatus("succeeded", ["processing", "failed"]);
      if (["processing", "failed", "succeeded"].includes(intent.status)) await enqueueFulfillment(client, intent);
      break;
    case "payment_intent.payment_failed":
      await setStatus("failed", ["processing"], ev.failureCode ? ev.failureCode.slice(0, 60) : "card_declined");
      break;
    case "charge.refunded":
      await setStatus("refunded", ["succeeded", "disputed"]);
      await cancelPendingTasks(client, intent.order_id, null);
      await client.query(`UPDATE order_items SET status = 'cancelled' WHERE order_id = $1 AND status = 'pending'`, [intent.order_id]);
      break;
    case "charge.dispute.created":
      // Hold the goods: shipping stops until the dispute is settled; other tasks continue.
      await setStatus("disputed", ["succeeded"]);
      await cancelPendingTasks(client, intent.order_id, ["ship_order_item"]);
      break;
  }
}

export async function processWebhookTask(p: pg.Pool, task: Pick<ClaimedTask, "payload" | "attempt" | "maxAttempts">): Promise<void> {
  const started = performance.now();
  const ev = webhookTaskPayload.parse(task.payload);
  try {
    await withTransaction(p, async (client) => {
      await apply(client, ev);
      await client.query(`UPDATE payment_webhook_events SET outcome = 'processed', processed_at = now(), error = NULL, failure_reason = NULL WHERE id = $1`, [ev.eventId]);
      await count(client, [{ kind: "webhook", outcome: "processed", eventType: ev.eventType }]);
    });
    webhookEventsTotal.inc({ type: ev.eventType, outcome: "processed" });
  } catch (err) {
    const final = isNonRetryable(err) || task.attempt >= task.maxAttempts;
    const reason = err instanceof UnknownPaymentError ? "payment_not_found" : "handler_error";
    await recordFailure(p, ev, reason, (err as Error).message ?? String(err), final).catch((e) => logger.warn({ err: e }, "could not record the webhook failure"));
    if (final) webhookEventsTotal.inc({ type: ev.eventType, outcome: "failed" });
    throw err;
  } finally {
    webhookProcessingSeconds.observe({ type: ev.eventType }, (performance.now() - started) / 1000);
  }
}

async function recordFailure(p: pg.Pool, ev: WebhookTaskPayload, reason: string, message: string, final: boolean): Promise<void> {
  await withTransaction(p, async (client) => {
    await client.query(
      `UPDATE payment_webhook_events SET error = $2, failure_reason = $3,
              outcome = CASE WHEN $4 THEN 'failed' ELSE outcome END, failed_at = CASE WHEN $4 THEN now() ELSE failed_at END
        WHERE id = $1`,
      [ev.eventId, message.slice(0, 1000), reason, final],
    );
    if (final) await count(client, [{ kind: "webhook", outcome: "failed", reason, eventType: ev.eventType }]);
  });
}

export function createPaymentHandlers(p: () => pg.Pool): HandlerRegistry {
  return { [WEBHOOK_TASK_TYPE]: (task) => processWebhookTask(p(), task) };
}
