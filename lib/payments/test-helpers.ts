// Test support: a stand-in for Stripe's API on 127.0.0.1 (the real SDK talks to it through
// STRIPE_API_BASE). It answers POST /v1/payment_intents like Stripe does for its test cards and
// remembers each Idempotency-Key, so tests can assert that a retried checkout charged once.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";

export interface StripeStub {
  url: string;
  /** Charges actually created, by the Idempotency-Key the SDK sent. */
  charges: Map<string, number>;
  close(): Promise<void>;
}

const DECLINES: Record<string, string> = {
  pm_card_chargeDeclined: "generic_decline",
  pm_card_chargeDeclinedInsufficientFunds: "insufficient_funds",
};

export async function startStripeStub(): Promise<StripeStub> {
  const charges = new Map<string, number>();
  const answered = new Map<string, { status: number; body: string }>();
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json", "request-id": `req_${randomBytes(6).toString("hex")}` });
        res.end(typeof body === "string" ? body : JSON.stringify(body));
      };
      if (req.method !== "POST" || req.url !== "/v1/payment_intents") return reply(404, { error: { type: "invalid_request_error", message: `No stub for ${req.method} ${req.url}` } });
      const key = String(req.headers["idempotency-key"] ?? "");
      const seen = answered.get(key);
      if (seen) return reply(seen.status, seen.body);
      charges.set(key, (charges.get(key) ?? 0) + 1);
      const form = new URLSearchParams(raw);
      const id = `pi_stub_${randomBytes(8).toString("hex")}`;
      const method = form.get("payment_method") ?? "";
      const intent = { id, object: "payment_intent", amount: Number(form.get("amount")), currency: form.get("currency"), metadata: { order_reference: form.get("metadata[order_reference]") } };
      const decline = DECLINES[method];
      const out = decline
        ? { status: 402, body: JSON.stringify({ error: { type: "card_error", code: "card_declined", decline_code: decline, message: "Your card was declined.", payment_intent: { ...intent, status: "requires_payment_method" } } }) }
        : { status: 200, body: JSON.stringify({ ...intent, status: "succeeded" }) };
      answered.set(key, out);
      reply(out.status, out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, charges, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
