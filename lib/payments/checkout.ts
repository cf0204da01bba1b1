import "server-only";
// Checkout: record the order and a payment intent, charge through the provider adapter, and on
// success enqueue the order's fulfillment tasks in the same transaction that records the result.
// An Idempotency-Key makes a retried request return the first result without charging again.
import { createHash } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import { AppError, conflict } from "@/lib/platform/errors";
import { errorBody } from "@/lib/platform/http/route";
import { logger } from "@/lib/platform/logger";
import { withTransaction } from "@/lib/platform/pg-transaction";
import { enqueue } from "@/lib/fulfillment/queue";
import { fulfillmentTasksForOrder } from "@/lib/fulfillment/order-tasks";
import { count } from "./counters";
import { checkoutTotal } from "./metrics";
import { ProviderUnavailableError, type PaymentProvider, type PaymentResult } from "./provider";

export const checkoutInput = z
  .object({
    order_reference: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "use 1–100 letters, digits, dot, underscore or dash"),
    customer: z.string().email().max(254),
    currency: z.string().regex(/^[A-Za-z]{3}$/, "use a three-letter ISO currency code, e.g. EUR").transform((c) => c.toUpperCase()),
    items: z
      .array(z.object({ sku: z.string().min(1).max(100), quantity: z.number().int().min(1).max(1000), unit_amount_cents: z.number().int().min(1).max(10_000_000) }).strict())
      .min(1)
      .max(100),
    payment_method: z.string().min(1).max(255),
    shipping: z
      .object({
        postcode: z.string().min(2).max(20),
        carrier: z.string().min(1).max(40).default("dhl"),
        warehouse: z.string().min(1).max(40).default("ams-1"),
        notify: z.enum(["email", "sms"]).default("email"),
      })
      .strict(),
  })
  .strict();
export type CheckoutInput = z.infer<typeof checkoutInput>;

export interface CheckoutResponse {
  status: number;
  body: unknown;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

export const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,255}$/;
const STALE_STARTED_MINUTES = 5;

const hashOf = (input: CheckoutInput) => createHash("sha256").update(JSON.stringify(input)).digest("hex");

/**
 * Claims (actor, key) for this request. Returns null when this request should run, or the
 * stored answer to replay. A key whose request crashed mid-way is taken over after 5 minutes; the
 * provider gets the same idempotency key, so even then nothing is charged twice.
 */
async function claimKey(p: pg.Pool, actor: string, key: string, hash: string): Promise<CheckoutResponse | null> {
  const inserted = await p.query(`INSERT INTO payment_idempotency_keys (actor, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [actor, key, hash]);
  if (inserted.rowCount) return null;
  const { rows } = await p.query<{ request_hash: string; state: string; response_status: number | null; response_body: unknown; stale: boolean }>(
    `SELECT request_hash, state, response_status, response_body, created_at < now() - make_interval(mins => $3) AS stale
       FROM payment_idempotency_keys WHERE actor = $1 AND key = $2`,
    [actor, key, STALE_STARTED_MINUTES],
  );
  const row = rows[0];
  if (!row) return claimKey(p, actor, key, hash); // removed meanwhile (provider outage): claim afresh
  if (row.request_hash !== hash) {
    throw new AppError(
      "validation_failed",
      `Idempotency-Key "${key}" was already used with a different request body. Repeat the original body to get its result, or use a new key for a new checkout.`,
      { reason: "idempotency_key_reused" },
    );
  }
  if (row.state === "done") return { status: row.response_status ?? 200, body: row.response_body, replayed: true };
  if (row.stale) {
    const taken = await p.query(`UPDATE payment_idempotency_keys SET created_at = now() WHERE actor = $1 AND key = $2 AND state = 'started' AND created_at < now() - make_interval(mins => $3)`, [
      actor, key, STALE_STARTED_MINUTES,
    ]);
    if (taken.rowCount) return null;
  }
  throw conflict(`A checkout with Idempotency-Key "${key}" is still in progress. Retry the same request in a few seconds to get its result.`, { reason: "idempotency_key_in_progress" });
}

interface OpenIntent {
  intentId: string;
  orderId: string;
  totalCents: number;
  items: { id: string; sku: string; quantity: number }[];
}

/** Creates the order (or reuses an unpaid one with the same total) and a `processing` intent. */
async function openIntent(client: pg.PoolClient, input: CheckoutInput, provider: string): Promise<OpenIntent> {
  const total = input.items.reduce((s, it) => s + it.quantity * it.unit_amount_cents, 0);
  if (total > 2_147_483_647) throw new AppError("validation_failed", "The order total exceeds the largest amount a checkout accepts; split the order.");
  const existing = await client.query<{ id: string; total_cents: number; currency: string }>(`SELECT id, total_cents, currency FROM orders WHERE reference = $1 FOR UPDATE`, [
    input.order_reference,
  ]);
  let orderId: string;
  if (existing.rows[0]) {
    const o = existing.rows[0];
    if (o.total_cents !== total || o.currency !== input.currency) {
      throw conflict(`Order ${input.order_reference} already exists with a total of ${o.total_cents} ${o.currency}; this checkout asks for ${total} ${input.currency}. Use a new order reference.`);
    }
    const paid = await client.query(`SELECT status FROM payment_intents WHERE order_id = $1 AND status NOT IN ('failed') LIMIT 1`, [o.id]);
    if (paid.rowCount) throw conflict(`Order ${input.order_reference} already has a payment (${paid.rows[0].status}); it cannot be charged again.`);
    orderId = o.id;
  } else {
    const { rows } = await client.query<{ id: string }>(`INSERT INTO orders (id, reference, customer, total_cents, currency) VALUES (gen_random_uuid(), $1, $2, $3, $4) RETURNING id`, [
      input.order_reference, input.customer, total, input.currency,
    ]);
    orderId = rows[0].id;
    await client.query(`INSERT INTO order_items (id, order_id, sku, quantity) SELECT gen_random_uuid(), $1, * FROM unnest($2::text[], $3::int[])`, [
      orderId, input.items.map((i) => i.sku), input.items.map((i) => i.quantity),
    ]);
  }
  const items = await client.query<{ id: string; sku: string; quantity: number }>(`SELECT id, sku, quantity FROM order_items WHERE order_id = $1 ORDER BY created_at, id`, [orderId]);
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO payment_intents (id, order_id, provider, amount_cents, currency, shipping) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5) RETURNING id`,
    [orderId, provider, total, input.currency, JSON.stringify(input.shipping)],
  );
  return { intentId: rows[0].id, orderId, totalCents: total, items: items.rows };
}

function paymentView(input: CheckoutInput, open: OpenIntent, provider: string, result: PaymentResult, tasks: number) {
  return {
    id: open.intentId,
    order_reference: input.order_reference,
    status: result.status,
    amount_cents: open.totalCents,
    currency: input.currency,
    provider,
    provider_intent_id: result.providerIntentId,
    failure: result.status === "failed" ? { reason: result.reason, message: result.message } : null,
    fulfillment_tasks_enqueued: tasks,
  };
}

/** Records the provider's answer; on success enqueues fulfillment in the same transaction. */
async function settle(p: pg.Pool, input: CheckoutInput, open: OpenIntent, provider: string, result: PaymentResult, idem: { actor: string; key: string } | null): Promise<CheckoutResponse> {
  return withTransaction(p, async (client) => {
    let tasks = 0;
    if (result.status === "succeeded") {
      const list = fulfillmentTasksForOrder(
        { reference: input.order_reference, totalCents: open.totalCents, currency: input.currency, items: open.items },
        { warehouse: input.shipping.warehouse, carrier: input.shipping.carrier, postcode: input.shipping.postcode, channel: input.shipping.notify },
      );
      tasks = (await enqueue(client, list)).length;
    }
    await client.query(
      `UPDATE payment_intents SET status = $2, provider_intent_id = $3, failure_reason = $4, failure_message = $5, updated_at = now(),
              fulfillment_enqueued_at = CASE WHEN $6 THEN now() END
        WHERE id = $1`,
      [open.intentId, result.status, result.providerIntentId, result.status === "failed" ? result.reason : null, result.status === "failed" ? result.message.slice(0, 500) : null, tasks > 0],
    );
    await count(client, [{ kind: "checkout", outcome: result.status, reason: result.status === "failed" ? result.reason : null }]);
    const payment = paymentView(input, open, provider, result, tasks);
    const response: CheckoutResponse =
      result.status === "failed"
        ? { status: 402, body: errorBody("payment_declined", `The payment was declined (${result.reason}): ${result.message} Ask the customer for another payment method.`, { payment }), replayed: false }
        : { status: 201, body: { payment }, replayed: false };
    if (idem) {
      await client.query(`UPDATE payment_idempotency_keys SET state = 'done', response_status = $3, response_body = $4 WHERE actor = $1 AND key = $2`, [
        idem.actor, idem.key, response.status, JSON.stringify(response.body),
      ]);
    }
    return response;
  });
}

export async function checkout(p: pg.Pool, provider: PaymentProvider, input: CheckoutInput, opts: { actor: string; idempotencyKey?: string | null }): Promise<CheckoutResponse> {
  const key = opts.idempotencyKey ?? null;
  if (key !== null && !IDEMPOTENCY_KEY_RE.test(key)) {
    throw new AppError("bad_request", "The Idempotency-Key header must be 1–255 printable ASCII characters without spaces (a UUID is a good choice).");
  }
  const idem = key ? { actor: opts.actor, key } : null;
  if (idem) {
    const stored = await claimKey(p, idem.actor, idem.key, hashOf(input));
    if (stored) return stored;
  }
  let open: OpenIntent;
  try {
    open = await withTransaction(p, (client) => openIntent(client, input, provider.name));
  } catch (err) {
    if (idem) await p.query(`DELETE FROM payment_idempotency_keys WHERE actor = $1 AND key = $2 AND state = 'started'`, [idem.actor, idem.key]);
    throw err;
  }
  // The provider's own idempotency key: per caller's key when given (a retry after a crash or an
  // outage reaches the same provider-side payment), else per intent row.
  const providerKey = idem ? `opsdeck-${createHash("sha256").update(`${idem.actor}\n${idem.key}`).digest("hex").slice(0, 40)}` : `opsdeck-${open.intentId}`;
  let result: PaymentResult;
  try {
    result = await provider.createPayment({ orderId: open.orderId, orderReference: input.order_reference, amountCents: open.totalCents, currency: input.currency, paymentMethod: input.payment_method, idempotencyKey: providerKey });
  } catch (err) {
    const unavailable = err instanceof ProviderUnavailableError;
    logger.warn({ err, orderReference: input.order_reference }, "payment provider call failed");
    await withTransaction(p, async (client) => {
      await client.query(`UPDATE payment_intents SET status = 'failed', failure_reason = 'provider_unavailable', failure_message = $2, updated_at = now() WHERE id = $1`, [
        open.intentId, (err as Error).message.slice(0, 500),
      ]);
      await count(client, [{ kind: "checkout", outcome: "failed", reason: "provider_unavailable" }]);
      // The outcome is unknown: free the key so the caller can retry it (the provider dedupes).
      if (idem) await client.query(`DELETE FROM payment_idempotency_keys WHERE actor = $1 AND key = $2`, [idem.actor, idem.key]);
    });
    checkoutTotal.inc({ outcome: "failed" });
    if (!unavailable) throw err;
    throw new AppError("unavailable", `The payment provider is unavailable (${err.message}). Nothing was recorded as paid; retry with the same Idempotency-Key.`);
  }
  const response = await settle(p, input, open, provider.name, result, idem);
  checkoutTotal.inc({ outcome: result.status });
  return response;
}
