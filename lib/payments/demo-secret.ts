// The webhook secret demo mode uses when STRIPE_WEBHOOK_SECRET is unset: derived from AUTH_SECRET,
// so it is stable across restarts and identical on every instance. Plain module (no server-only):
// the e2e specs derive it too, to sign their deliveries.
import { createHmac } from "node:crypto";

export function demoWebhookSecret(authSecret: string): string {
  return `whsec_demo_${createHmac("sha256", authSecret).update("stripe-webhook-demo").digest("base64url")}`;
}
