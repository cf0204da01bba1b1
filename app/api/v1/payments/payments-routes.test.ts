// Payments through the real route handlers on the real database, with the real stripe SDK talking
// to a stub on 127.0.0.1. Only session resolution is replaced (next-auth needs Next's request context).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import Stripe from "stripe";
import type { SessionIdentity } from "@/lib/platform/auth/identity";

const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));
import { createApiKey } from "@/lib/platform/auth/api-keys";
import { pool } from "@/lib/platform/db";
import { taskStatusSql } from "@/lib/fulfillment/queue";
import { createWorker } from "@/lib/fulfillment/worker";
import { actOnOne } from "@/lib/fulfillment/dead-letters/actions";
import { parkQueuedTasks, testPool, waitFor } from "@/lib/fulfillment/test-helpers";
import { recordEvent } from "@/lib/payments/webhooks";
import { paymentsHousekeeping } from "@/lib/payments/housekeeping";
import { paymentSignals } from "@/lib/payments/signals";
import { createPaymentHandlers } from "@/lib/payments/handlers";
import { signedDelivery, stripeEvent } from "@/lib/payments/signing";
import { startStripeStub, type StripeStub } from "@/lib/payments/test-helpers";
const { POST: checkoutPOST } = await import("./checkout/route");
const { POST: webhookPOST } = await import("./webhooks/stripe/route");
const { GET: observabilityGET } = await import("./observability/route");
const { GET: panelGET } = await import("./panel/route");
const { GET: eventsGET } = await import("./events/route");

const noParams = { params: Promise.resolve({}) };
const SECRET = "whsec_test_current";
const OLD_SECRET = "whsec_test_previous";
let checkoutKey = "";
let readKey = "";
let otherKey = "";
let stub: StripeStub;
let unpark: () => Promise<void>;
const run = randomBytes(3).toString("hex");
let seq = 0;
const ref = () => `T-${run}-${++seq}`;

const as = (role: SessionIdentity["role"] | null) => {
  session.user = role ? { kind: "session", userId: "00000000-0000-4000-8000-000000000001", email: `${role}@test.local`, role } : null;
};

function checkoutBody(reference: string, paymentMethod = "pm_card_visa") {
  return {
    order_reference: reference,
    customer: "ada@example.com",
    currency: "eur",
    items: [{ sku: "SKU-TEE", quantity: 2, unit_amount_cents: 1500 }, { sku: "SKU-MUG", quantity: 1, unit_amount_cents: 900 }],
    payment_method: paymentMethod,
    shipping: { postcode: "1011 AB" },
  };
}

const postCheckout = (body: unknown, opts: { key?: string | null; idem?: string; contentType?: string } = {}) =>
  checkoutPOST(
    new NextRequest("http://localhost/api/v1/payments/checkout", {
      method: "POST",
      headers: {
        "content-type": opts.contentType ?? "application/json",
        ...(opts.key === null ? {} : { authorization: `Bearer ${opts.key ?? checkoutKey}` }),
        ...(opts.idem ? { "idempotency-key": opts.idem } : {}),
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    noParams,
  );

const deliver = (d: { body: string; signature: string | null }) =>
  webhookPOST(
    new NextRequest("http://localhost/api/v1/payments/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json", ...(d.signature === null ? {} : { "stripe-signature": d.signature }) },
      body: d.body,
    }),
    noParams,
  );

const get = (handler: typeof observabilityGET, path: string, key: string | null = readKey) =>
  handler(new NextRequest(`http://localhost${path}`, { headers: key === null ? {} : { authorization: `Bearer ${key}` } }), noParams);

const observability = async () => (await get(observabilityGET, "/api/v1/payments/observability")).json();

const intentEvent = (type: string, reference: string, intentId: string | null = null, id?: string) =>
  stripeEvent({ id, type, object: { id: intentId ?? `pi_unknown_${randomBytes(4).toString("hex")}`, object: "payment_intent", amount: 3900, metadata: { order_reference: reference } } });

async function eventRow(id: string) {
  const { rows } = await pool().query(`SELECT outcome, deliveries, task_id::text, failure_reason FROM payment_webhook_events WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

async function tasksOf(reference: string) {
  const { rows } = await pool().query<{ task_type: string; status: string }>(
    `SELECT t.task_type, t.status::text FROM fulfillment_tasks t JOIN order_items i ON i.id = t.order_item_id JOIN orders o ON o.id = i.order_id WHERE o.reference = $1 ORDER BY t.id`,
    [reference],
  );
  return rows;
}

/**
 * Runs the queue worker with the payments handler until the event's task has finished. The
 * checkouts' fulfillment tasks are held back meanwhile (this worker has no handlers for them).
 */
async function processEvent(eventId: string) {
  const { rows: held } = await pool().query<{ id: string }>(
    `UPDATE fulfillment_tasks SET run_at = run_at + interval '1000 years' WHERE status = 'pending' AND task_type <> 'process_payment_webhook' RETURNING id::text`,
  );
  const w = createWorker({ pool: pool(), workerId: `pay-test-${Date.now()}`, batchSize: 10, pollIntervalMs: 100, concurrency: 2, leaseMs: 5_000, maxAttempts: 5, handlers: createPaymentHandlers(pool) });
  await w.start();
  try {
    return await waitFor(`event ${eventId} to finish`, async () => {
      const { rows } = await pool().query(`SELECT ${taskStatusSql("e.task_id")} AS status FROM payment_webhook_events e WHERE e.id = $1`, [eventId]);
      return ["succeeded", "dead_lettered"].includes(rows[0]?.status) ? (rows[0].status as string) : null;
    });
  } finally {
    await w.stop();
    await pool().query(`UPDATE fulfillment_tasks SET run_at = run_at - interval '1000 years' WHERE id = ANY($1::bigint[])`, [held.map((r) => r.id)]);
  }
}

beforeAll(async () => {
  unpark = await parkQueuedTasks(pool());
  stub = await startStripeStub();
  process.env.STRIPE_SECRET_KEY = "sk_test_stub";
  process.env.STRIPE_API_BASE = stub.url;
  process.env.STRIPE_WEBHOOK_SECRET = SECRET;
  checkoutKey = (await createApiKey({ name: `pay-checkout-${run}`, scopes: ["checkout"], actor: "test" })).key;
  readKey = (await createApiKey({ name: `pay-read-${run}`, scopes: ["metrics:read"], actor: "test" })).key;
  otherKey = (await createApiKey({ name: `pay-other-${run}`, scopes: ["alerts:write"], actor: "test" })).key;
});

afterAll(async () => {
  await stub.close();
  await unpark();
  // Fulfillment tasks these checkouts enqueued must not be run by later test files' workers.
  await pool().query(`UPDATE fulfillment_tasks t SET status = 'discarded' FROM order_items i JOIN orders o ON o.id = i.order_id
                       WHERE t.order_item_id = i.id AND o.reference LIKE $1 AND t.status IN ('pending', 'retry_scheduled')`, [`T-${run}-%`]);
  delete process.env.STRIPE_SECRET_KEY;
  delete process.env.STRIPE_API_BASE;
  delete process.env.STRIPE_WEBHOOK_SECRET;
});

describe("checkout", () => {
  it("charges through the stripe SDK and enqueues the order's fulfillment tasks in the same transaction", async () => {
    const before = await observability();
    const reference = ref();
    const res = await postCheckout(checkoutBody(reference));
    expect(res.status).toBe(201);
    const { payment } = await res.json();
    expect(payment).toMatchObject({ order_reference: reference, status: "succeeded", amount_cents: 3900, currency: "EUR", provider: "stripe", failure: null });
    expect(payment.provider_intent_id).toMatch(/^pi_stub_/);
    // capture + (reserve + ship) per item + notify
    expect(payment.fulfillment_tasks_enqueued).toBe(6);
    expect((await tasksOf(reference)).map((t) => t.task_type).sort()).toEqual(
      ["capture_payment", "notify_customer", "reserve_inventory", "reserve_inventory", "ship_order_item", "ship_order_item"],
    );
    const after = await observability();
    expect(after.checkout.totals.attempted - before.checkout.totals.attempted).toBe(1);
    expect(after.checkout.totals.succeeded - before.checkout.totals.succeeded).toBe(1);
  });

  it("honours Idempotency-Key: same key and body → same answer, one charge; a different body → 422", async () => {
    const reference = ref();
    const idem = `idem-${run}-1`;
    const first = await postCheckout(checkoutBody(reference), { idem });
    const firstBody = await first.json();
    const second = await postCheckout(checkoutBody(reference), { idem });
    expect(second.status).toBe(first.status);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.json()).toEqual(firstBody);
    const charged = [...stub.charges.values()].reduce((s, n) => s + n, 0);
    const third = await postCheckout(checkoutBody(reference), { idem });
    expect(third.status).toBe(201);
    expect([...stub.charges.values()].reduce((s, n) => s + n, 0)).toBe(charged);
    const { rows } = await pool().query(`SELECT count(*)::int AS n FROM payment_intents pi JOIN orders o ON o.id = pi.order_id WHERE o.reference = $1`, [reference]);
    expect(rows[0].n).toBe(1);
    expect(await tasksOf(reference)).toHaveLength(6);

    const changed = await postCheckout({ ...checkoutBody(reference), customer: "grace@example.com" }, { idem });
    expect(changed.status).toBe(422);
    const err = await changed.json();
    expect(err.error.code).toBe("validation_failed");
    expect(err.error.details.reason).toBe("idempotency_key_reused");
    expect(err.error.message).toContain("different request body");
  });

  it("a decline answers 402 with its reason, enqueues nothing and is counted in its bucket", async () => {
    const before = await observability();
    const reference = ref();
    const res = await postCheckout(checkoutBody(reference, "pm_card_chargeDeclinedInsufficientFunds"));
    expect(res.status).toBe(402);
    const body = await res.json();
    expect(body.error.code).toBe("payment_declined");
    expect(body.error.details.payment).toMatchObject({ status: "failed", failure: { reason: "insufficient_funds" } });
    expect(await tasksOf(reference)).toHaveLength(0);
    const after = await observability();
    expect(after.checkout.totals.failed - before.checkout.totals.failed).toBe(1);
    expect((after.failure_buckets.insufficient_funds ?? 0) - (before.failure_buckets.insufficient_funds ?? 0)).toBe(1);
    expect(after.last_failure).toMatchObject({ reason: "insufficient_funds", event_type: "checkout" });
    // The same order may be paid with another card afterwards.
    expect((await postCheckout(checkoutBody(reference))).status).toBe(201);
    expect((await postCheckout(checkoutBody(reference))).status).toBe(409);
  });

  it.each([
    ["without credentials", () => postCheckout(checkoutBody(ref()), { key: null }), 401],
    ["with a key lacking the checkout scope", () => postCheckout(checkoutBody(ref()), { key: readKey }), 403],
    ["as text/plain", () => postCheckout("{}", { contentType: "text/plain" }), 415],
    ["with malformed JSON", () => postCheckout("{nope"), 400],
    ["with an empty body", () => postCheckout(""), 400],
    ["without items", () => postCheckout({ ...checkoutBody(ref()), items: [] }), 422],
    ["with a negative quantity", () => postCheckout({ ...checkoutBody(ref()), items: [{ sku: "A", quantity: -1, unit_amount_cents: 100 }] }), 422],
    ["with a bad currency", () => postCheckout({ ...checkoutBody(ref()), currency: "euro" }), 422],
    ["with a bad customer email", () => postCheckout({ ...checkoutBody(ref()), customer: "nobody" }), 422],
    ["with an unknown field", () => postCheckout({ ...checkoutBody(ref()), card_number: "4242424242424242" }), 422],
    ["with an invalid Idempotency-Key", () => postCheckout(checkoutBody(ref()), { idem: "has spaces in it" }), 400],
  ])("checkout %s → %i JSON", async (_name, call, status) => {
    const res = await call();
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.message.length).toBeGreaterThan(10);
  });
});

describe("webhooks", () => {
  it("verifies the signature: valid → 200 queued; tampered or unsigned → 400 counted, nothing written; stale → 400", async () => {
    const before = await observability();
    const ok = intentEvent("payment_intent.succeeded", ref());
    const res = await deliver(signedDelivery(ok, SECRET));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, id: ok.id, outcome: "queued" });
    expect(await eventRow(ok.id)).toMatchObject({ outcome: "queued", deliveries: 1 });

    const forged = intentEvent("payment_intent.succeeded", ref());
    const wrong = await deliver(signedDelivery(forged, "whsec_someone_else"));
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.code).toBe("webhook_signature_invalid");
    const signed = signedDelivery(forged, SECRET);
    const tampered = await deliver({ body: signed.body.replace("3900", "1"), signature: signed.signature });
    expect(tampered.status).toBe(400);
    const unsigned = await deliver({ body: signed.body, signature: null });
    expect(unsigned.status).toBe(400);
    expect((await unsigned.json()).error.message).toContain("Stripe-Signature");
    expect(await eventRow(forged.id)).toBeNull();

    const stale = await deliver(signedDelivery(forged, SECRET, Math.floor(Date.now() / 1000) - 600));
    expect(stale.status).toBe(400);
    expect((await stale.json()).error.code).toBe("webhook_timestamp_expired");
    expect(await eventRow(forged.id)).toBeNull();

    const after = await observability();
    expect(after.webhooks.totals.signature_failures - before.webhooks.totals.signature_failures).toBe(4);
    expect(after.webhooks.totals.received - before.webhooks.totals.received).toBe(1);
    expect(after.last_failure).toMatchObject({ reason: "timestamp_expired", event_type: "other" });
  });

  it("accepts every configured secret during a rotation", async () => {
    process.env.STRIPE_WEBHOOK_SECRET = `${SECRET}, ${OLD_SECRET}`;
    try {
      const a = intentEvent("payment_intent.succeeded", ref());
      expect((await deliver(signedDelivery(a, OLD_SECRET))).status).toBe(200);
      const b = intentEvent("payment_intent.succeeded", ref());
      expect((await deliver(signedDelivery(b, SECRET))).status).toBe(200);
    } finally {
      process.env.STRIPE_WEBHOOK_SECRET = SECRET;
    }
    const c = intentEvent("payment_intent.succeeded", ref());
    expect((await deliver(signedDelivery(c, OLD_SECRET))).status).toBe(400);
  });

  it("unknown event types are acknowledged and counted as ignored", async () => {
    const before = await observability();
    const ev = stripeEvent({ type: "customer.created", object: { id: "cus_1", object: "customer" } });
    const res = await deliver(signedDelivery(ev, SECRET));
    expect(res.status).toBe(200);
    expect((await res.json()).outcome).toBe("ignored");
    expect(await eventRow(ev.id)).toMatchObject({ outcome: "ignored", task_id: null });
    expect((await observability()).webhooks.totals.ignored - before.webhooks.totals.ignored).toBe(1);
  });

  it("20 concurrent deliveries of one event id: one task, processed once, 19 duplicates", async () => {
    const reference = ref();
    const created = await (await postCheckout(checkoutBody(reference))).json();
    const before = await observability();
    const ev = intentEvent("charge.refunded", reference, null);
    (ev.data.object as Record<string, unknown>).payment_intent = created.payment.provider_intent_id;
    ev.data.object.object = "charge";
    const delivery = signedDelivery(ev, SECRET);
    const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(delivery)));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    const outcomes = await Promise.all(answers.map(async (r) => (await r.json()).outcome));
    expect(outcomes.filter((o) => o === "queued")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(19);
    const { rows } = await pool().query(`SELECT count(*)::int AS n FROM fulfillment_tasks WHERE task_type = 'process_payment_webhook' AND payload->>'eventId' = $1`, [ev.id]);
    expect(rows[0].n).toBe(1);
    expect(await eventRow(ev.id)).toMatchObject({ deliveries: 20 });

    expect(await processEvent(ev.id)).toBe("succeeded");
    expect(await eventRow(ev.id)).toMatchObject({ outcome: "processed" });
    // The refund cancelled every fulfillment task that had not run yet.
    expect((await tasksOf(reference)).every((t) => t.status === "discarded")).toBe(true);
    const { rows: intent } = await pool().query(`SELECT status FROM payment_intents WHERE provider_intent_id = $1`, [created.payment.provider_intent_id]);
    expect(intent[0].status).toBe("refunded");

    // A replay after processing is acknowledged and counted, not processed again.
    expect((await (await deliver(delivery)).json()).outcome).toBe("duplicate");
    const after = await observability();
    expect(after.webhooks.totals.received - before.webhooks.totals.received).toBe(21);
    expect(after.webhooks.totals.duplicates - before.webhooks.totals.duplicates).toBe(20);
    expect(after.webhooks.totals.processed - before.webhooks.totals.processed).toBe(1);
  });

  it("two instances racing on one event id (separate pools, batched writes) still record it once", async () => {
    const pools = [testPool(), testPool()];
    try {
      const ev = Stripe.webhooks.constructEvent(...(() => {
        const d = signedDelivery(intentEvent("payment_intent.succeeded", ref()), SECRET);
        return [d.body, d.signature, SECRET] as const;
      })());
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => recordEvent(pools[i % 2], ev)));
      expect(results.filter((r) => r.outcome === "queued")).toHaveLength(1);
      expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(19);
      expect(new Set(results.map((r) => r.taskId)).size).toBe(1);
      expect(await eventRow(ev.id)).toMatchObject({ deliveries: 20, outcome: "queued" });
      const { rows } = await pool().query(`SELECT count(*)::int AS n FROM fulfillment_tasks WHERE payload->>'eventId' = $1`, [ev.id]);
      expect(rows[0].n).toBe(1);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it("a handler failure becomes a dead letter linked from its event; an operator's retry then succeeds", async () => {
    const before = await observability();
    const reference = ref();
    // The success webhook arrives before its checkout is recorded: no payment to apply it to.
    const ev = intentEvent("payment_intent.succeeded", reference);
    expect((await deliver(signedDelivery(ev, SECRET))).status).toBe(200);
    expect(await processEvent(ev.id)).toBe("dead_lettered");
    const failed = await eventRow(ev.id);
    expect(failed).toMatchObject({ outcome: "failed", failure_reason: "payment_not_found" });
    as("viewer");
    const log = await (await get(eventsGET, "/api/v1/payments/events?outcome=failed&type=payment_intent.succeeded", null)).json();
    const listed = log.events.find((e: { id: string }) => e.id === ev.id);
    expect(listed).toMatchObject({ outcome: "failed", task_id: failed.task_id, task_status: "dead_lettered", failure_reason: "payment_not_found" });
    const mid = await observability();
    // (Other queued events of this file whose payments do not exist failed in the same run.)
    expect(mid.webhooks.totals.failed - before.webhooks.totals.failed).toBeGreaterThanOrEqual(1);
    expect(mid.failure_buckets.payment_not_found).toBeGreaterThanOrEqual(1);

    // The checkout lands (asynchronously confirmed: the stub says succeeded, so tasks exist already).
    expect((await postCheckout(checkoutBody(reference))).status).toBe(201);
    await actOnOne("retry", failed.task_id, { actor: "user:operator@test.local", reason: "order exists now" });
    expect(await processEvent(ev.id)).toBe("succeeded");
    expect(await eventRow(ev.id)).toMatchObject({ outcome: "processed" });
    // Fulfillment was enqueued once, by the checkout, not again by the late webhook.
    expect(await tasksOf(reference)).toHaveLength(6);
  });

  it.each([
    ["an empty body", () => deliver({ body: "", signature: "t=1,v1=abc" }), 400],
    ["a malformed signature header", () => deliver({ body: "{}", signature: "garbage" }), 400],
  ])("webhook with %s → %i JSON", async (_name, call, status) => {
    const res = await call();
    expect(res.status).toBe(status);
    expect((await res.json()).error.message.length).toBeGreaterThan(10);
  });

  it("a signed non-JSON body → 400 naming the problem", async () => {
    const body = "not json";
    const res = await deliver({ body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("not valid JSON");
  });

  it("without any webhook secret configured → 503 naming the setting", async () => {
    delete process.env.STRIPE_WEBHOOK_SECRET;
    try {
      const res = await deliver(signedDelivery(intentEvent("payment_intent.succeeded", ref()), SECRET));
      expect(res.status).toBe(503);
      expect((await res.json()).error.message).toContain("STRIPE_WEBHOOK_SECRET");
    } finally {
      process.env.STRIPE_WEBHOOK_SECRET = SECRET;
    }
  });
});

describe("alert signals", () => {
  it("read this file's activity from the counters over a window, and nothing from a window in the past", async () => {
    const sig = Object.fromEntries(paymentSignals.map((x) => [x.name, x]));
    const ctx = { now: new Date(), pool: pool() };
    expect(await sig.payments_webhook_signature_failures_increase.evaluate(ctx, 600)).toBeGreaterThanOrEqual(5);
    expect(await sig.payments_webhook_failed_increase.evaluate(ctx, 600)).toBeGreaterThanOrEqual(1);
    expect(await sig.payments_checkout_attempts.evaluate(ctx, 600)).toBeGreaterThanOrEqual(5);
    const ratio = await sig.payments_checkout_failure_ratio.evaluate(ctx, 600);
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
    const past = { now: new Date(Date.now() - 7 * 86_400_000), pool: pool() };
    expect(await sig.payments_webhook_signature_failures_increase.evaluate(past, 600)).toBe(0);
    expect(await sig.payments_checkout_failure_ratio.evaluate(past, 600)).toBeNull();
  });
});

describe("housekeeping", () => {
  it("expires day-old Idempotency-Keys and folds old minute counters into one row per day without changing totals", async () => {
    await pool().query(`INSERT INTO payment_idempotency_keys (actor, key, request_hash, created_at) VALUES ('test', $1, 'h', now() - interval '25 hours'), ('test', $2, 'h', now())`, [`old-${run}`, `new-${run}`]);
    await pool().query(
      `INSERT INTO payment_counters (bucket, kind, outcome, reason, event_type, shard, count, last_at)
       SELECT date_trunc('minute', now() - interval '3 days') + g * interval '1 minute', 'checkout', 'failed', 'card_declined', '', g % 8, 1, now() - interval '3 days'
         FROM generate_series(1, 30) g`,
    );
    const before = await observability();
    const r = await paymentsHousekeeping(pool());
    expect(r.keys).toBeGreaterThanOrEqual(1);
    expect(r.counters).toBeGreaterThanOrEqual(30);
    const { rows } = await pool().query(`SELECT key FROM payment_idempotency_keys WHERE actor = 'test' AND key = ANY($1::text[])`, [[`old-${run}`, `new-${run}`]]);
    expect(rows.map((x) => x.key)).toEqual([`new-${run}`]);
    const after = await observability();
    expect(after.checkout.totals).toEqual(before.checkout.totals);
    expect(after.failure_buckets).toEqual(before.failure_buckets);
  });
});

describe("observability and panel", () => {
  it("serves the exact shape in under 1 KB to checkout and metrics:read keys, refuses others", async () => {
    for (const key of [checkoutKey, readKey]) {
      const res = await get(observabilityGET, "/api/v1/payments/observability", key);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(Buffer.byteLength(text)).toBeLessThan(1024);
      const obs = JSON.parse(text);
      expect(Object.keys(obs).sort()).toEqual(["checkout", "failure_buckets", "last_failure", "webhooks"]);
      expect(Object.keys(obs.checkout.totals).sort()).toEqual(["attempted", "failed", "succeeded"]);
      expect(Object.keys(obs.webhooks.totals).sort()).toEqual(["duplicates", "failed", "ignored", "processed", "received", "signature_failures"]);
      expect(Object.keys(obs.last_failure).sort()).toEqual(["at", "event_type", "reason"]);
      expect(text).not.toMatch(/whsec_|sk_test|4242/);
    }
    expect((await get(observabilityGET, "/api/v1/payments/observability", otherKey)).status).toBe(403);
    as(null);
    expect((await get(observabilityGET, "/api/v1/payments/observability", null)).status).toBe(401);
  });

  it("the panel and the event log answer viewers and refuse bad filters with 400", async () => {
    as("viewer");
    const panel = await (await get(panelGET, "/api/v1/payments/panel?window=15m", null)).json();
    expect(panel.series).toHaveLength(15);
    expect(panel.recent_failures.length).toBeGreaterThan(0);
    expect(panel.checkout.totals.attempted).toBeGreaterThan(0);
    for (const path of ["/api/v1/payments/panel?window=2d", "/api/v1/payments/events?outcome=lost", "/api/v1/payments/events?type=charge.captured", "/api/v1/payments/events?limit=0", "/api/v1/payments/events?before=yesterday", "/api/v1/payments/events?id=evt%20bad"]) {
      const handler = path.includes("panel") ? panelGET : eventsGET;
      const res = await get(handler, path, null);
      expect(res.status, path).toBe(400);
      expect((await res.json()).error.message.length).toBeGreaterThan(10);
    }
    // Machines with the checkout scope read one event by id (the smoke's "processed once" check).
    const recent = (await (await get(eventsGET, "/api/v1/payments/events?limit=1", null)).json()).events[0];
    const one = await (await get(eventsGET, `/api/v1/payments/events?id=${recent.id}`, checkoutKey)).json();
    expect(one.events).toHaveLength(1);
    expect(one.events[0]).toMatchObject({ id: recent.id, outcome: recent.outcome, deliveries: recent.deliveries });
    expect((await get(eventsGET, "/api/v1/payments/events?limit=1", otherKey)).status).toBe(403);
    const other = await (await get(eventsGET, "/api/v1/payments/events?type=other", null)).json();
    expect(other.events.every((e: { type: string }) => e.type === "customer.created")).toBe(true);
  });
});
