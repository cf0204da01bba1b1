import "server-only";
// Demo traffic for payments: checkouts through the simulated provider (with its decline mix), each
// followed by the Stripe webhook that provider would send, signed and POSTed to this process's own
// endpoint over HTTP — so signature checks, dedupe, the queue and the panel all run for real. Now
// and then a replay, a refund, a dispute or an event type without a handler. Each incident (the
// first a minute after start) sends a few success webhooks ahead of their checkouts (they
// dead-letter: "payment not found"; the checkouts land 45 s later, so a retry from the console
// succeeds) and one delivery with a bad signature.
import { randomBytes, randomInt } from "node:crypto";
import { pool } from "@/lib/platform/db";
import { logger } from "@/lib/platform/logger";
import type { WorkerDefinition } from "@/lib/platform/worker-runtime";
import { checkout, type CheckoutInput } from "./checkout";
import { simulatedProvider } from "./provider";
import { paymentSettings, webhookSecrets } from "./settings";
import { signedDelivery, stripeEvent } from "./signing";

const SKUS = ["SKU-TEE-BLK-M", "SKU-TEE-WHT-L", "SKU-MUG-001", "SKU-CAP-RED", "SKU-SOCK-3PK", "SKU-HOODIE-S"];
const CUSTOMERS = ["ada@example.com", "grace@example.com", "linus@example.com", "margaret@example.com"];
// Methods without a scripted outcome: the simulated provider declines PAYMENTS_SIMULATED_DECLINE_RATE of them.
const METHODS = ["pm_card_visa_debit", "pm_card_amex", "pm_card_discover", "pm_card_jcb"];
const FIRST_INCIDENT_AFTER_S = 60;
const LATE_CHECKOUT_AFTER_MS = 45_000;
const log = logger.child({ component: "payments-simulator" });

const newReference = () => `PAY-${Date.now().toString(36).toUpperCase()}-${randomInt(1e6).toString().padStart(6, "0")}`;

function demoOrder(reference: string, paymentMethod = METHODS[randomInt(METHODS.length)]): CheckoutInput {
  return {
    order_reference: reference,
    customer: CUSTOMERS[randomInt(CUSTOMERS.length)],
    currency: "EUR",
    items: Array.from({ length: 1 + randomInt(2) }, () => ({ sku: SKUS[randomInt(SKUS.length)], quantity: 1 + randomInt(2), unit_amount_cents: 900 + randomInt(4000) })),
    payment_method: paymentMethod,
    shipping: { postcode: `${1000 + randomInt(8999)} AB`, carrier: "dhl", warehouse: "ams-1", notify: "email" },
  };
}

interface Sent {
  intentId: string;
  reference: string;
  amount: number;
}

export function createPaymentsSimulator(opts: { baseUrl: string; secret: string; ratePerSecond: number; incidentEverySeconds: number }) {
  const provider = simulatedProvider();
  const paid: Sent[] = [];
  const post = async (body: string, signature: string) => {
    const res = await fetch(`${opts.baseUrl}/api/v1/payments/webhooks/stripe`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signature }, body });
    await res.arrayBuffer();
    return res.status;
  };
  const send = async (type: string, object: Record<string, unknown>, replays = 0) => {
    const d = signedDelivery(stripeEvent({ type, object }), opts.secret);
    for (let i = 0; i <= replays; i++) await post(d.body, d.signature);
  };
  const intentObject = (s: Sent, extra: Record<string, unknown> = {}) => ({ id: s.intentId, object: "payment_intent", amount: s.amount, currency: "eur", metadata: { order_reference: s.reference }, ...extra });

  async function oneCheckout(reference = newReference()): Promise<void> {
    const input = demoOrder(reference);
    const r = await checkout(pool(), provider, input, { actor: "simulator", idempotencyKey: `sim-${reference}` });
    const payment = ((r.body as { payment?: unknown }).payment ?? (r.body as { error: { details: { payment: unknown } } }).error.details.payment) as {
      provider_intent_id: string; amount_cents: number; status: string; failure: { reason: string } | null;
    };
    const sent = { intentId: payment.provider_intent_id, reference, amount: payment.amount_cents };
    const replays = Math.random() < 0.08 ? 1 + randomInt(2) : 0;
    if (payment.status === "succeeded") {
      await send("payment_intent.succeeded", intentObject(sent, { status: "succeeded" }), replays);
      paid.push(sent);
      if (paid.length > 200) paid.shift();
    } else {
      await send("payment_intent.payment_failed", intentObject(sent, { status: "requires_payment_method", last_payment_error: { code: "card_declined", decline_code: payment.failure?.reason } }), replays);
    }
  }

  async function sideEvents(): Promise<void> {
    const roll = Math.random();
    const victim = paid.length ? paid.splice(randomInt(paid.length), 1)[0] : null;
    if (victim && roll < 0.04) await send("charge.refunded", { id: `ch_${randomBytes(8).toString("hex")}`, object: "charge", payment_intent: victim.intentId, amount_refunded: victim.amount, metadata: { order_reference: victim.reference } });
    else if (victim && roll < 0.06) await send("charge.dispute.created", { id: `dp_${randomBytes(8).toString("hex")}`, object: "dispute", payment_intent: victim.intentId, amount: victim.amount, reason: "fraudulent" });
    else if (roll < 0.1) await send("customer.updated", { id: `cus_${randomBytes(6).toString("hex")}`, object: "customer" });
    else if (victim) paid.push(victim);
  }

  async function incident(): Promise<void> {
    log.info({ event: "payments_incident" }, "demo incident: webhooks ahead of their checkouts, one bad signature");
    const late = Array.from({ length: 3 }, () => newReference());
    for (const reference of late) {
      await send("payment_intent.succeeded", { id: `pi_sim_${randomBytes(12).toString("hex")}`, object: "payment_intent", amount: 2500, currency: "eur", metadata: { order_reference: reference } });
    }
    const forged = signedDelivery(stripeEvent({ type: "payment_intent.succeeded", object: { id: "pi_forged", object: "payment_intent" } }), "whsec_not_ours");
    await post(forged.body, forged.signature);
    setTimeout(() => {
      Promise.all(late.map((r) => oneCheckout(r))).catch((err) => log.warn({ err }, "late demo checkouts failed"));
    }, LATE_CHECKOUT_AFTER_MS).unref();
  }

  let tick = 0;
  let busy = false;
  return async function step(): Promise<void> {
    tick++;
    if (busy) return; // never pile up behind a slow database
    busy = true;
    try {
      const n = Math.floor(opts.ratePerSecond) + (Math.random() < opts.ratePerSecond % 1 ? 1 : 0);
      for (let i = 0; i < n; i++) await oneCheckout();
      await sideEvents();
      if (opts.incidentEverySeconds > 0 && (tick === FIRST_INCIDENT_AFTER_S || (tick > FIRST_INCIDENT_AFTER_S && (tick - FIRST_INCIDENT_AFTER_S) % opts.incidentEverySeconds === 0))) await incident();
    } finally {
      busy = false;
    }
  };
}

export const paymentsSimulatorDefinition: WorkerDefinition = {
  name: "payments-simulator",
  enabled() {
    const s = paymentSettings();
    if (!s.OPSDECK_SIMULATOR) return { enabled: false, reason: "OPSDECK_SIMULATOR is not true (the demo launcher sets it)" };
    if (webhookSecrets(s).length === 0) return { enabled: false, reason: "no webhook secret: set STRIPE_WEBHOOK_SECRET (demo mode derives one from AUTH_SECRET)" };
    return { enabled: true, settings: { checkoutsPerSecond: s.PAYMENTS_SIMULATOR_RATE_PER_SECOND, incidentEverySeconds: s.PAYMENTS_SIMULATED_INCIDENT_EVERY_SECONDS } };
  },
  async start() {
    const s = paymentSettings();
    const step = createPaymentsSimulator({
      baseUrl: `http://127.0.0.1:${s.PORT}`,
      secret: webhookSecrets(s)[0],
      ratePerSecond: s.PAYMENTS_SIMULATOR_RATE_PER_SECOND,
      incidentEverySeconds: s.PAYMENTS_SIMULATED_INCIDENT_EVERY_SECONDS,
    });
    let warned = false;
    let inFlight: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      inFlight = step().then(
        () => void (warned = false),
        (err) => {
          if (!warned) log.warn({ err }, "payments demo simulator step failed (is the HTTP server up yet?); will keep trying");
          warned = true;
        },
      );
    }, 1_000);
    return {
      async stop() {
        clearInterval(timer);
        await inFlight;
      },
    };
  },
};
