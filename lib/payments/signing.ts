// Builds Stripe-shaped webhook deliveries signed with the SDK's generateTestHeaderString: used by
// the demo simulator, `opsdeck smoke checkout`, the benchmark and tests.
import { randomBytes } from "node:crypto";
import Stripe from "stripe";

export interface EventSpec {
  id?: string;
  type: string;
  object: Record<string, unknown>;
}

export function stripeEvent(spec: EventSpec) {
  return {
    id: spec.id ?? `evt_${randomBytes(12).toString("hex")}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: spec.type,
    data: { object: spec.object },
  };
}

/** The body and Stripe-Signature header of one delivery; `timestamp` (seconds) backdates it. */
export function signedDelivery(event: object, secret: string, timestamp?: number): { body: string; signature: string } {
  const body = JSON.stringify(event);
  return { body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }) };
}
