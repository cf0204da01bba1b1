import { route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { readRawBody } from "@/lib/platform/http/raw-body";
import { paymentSettings, webhookSecrets } from "@/lib/payments/settings";
import { countSignatureFailure, recordEvent, verifyEvent } from "@/lib/payments/webhooks";

export const dynamic = "force-dynamic";

const MAX_WEBHOOK_BYTES = 256 * 1024;

// Stripe calls without credentials; the signature over the raw body is the authentication.
export const POST = route(
  { route: "/api/v1/payments/webhooks/stripe", policy: { public: true, reason: "signature-verified: Stripe-Signature over the raw body with STRIPE_WEBHOOK_SECRET" } },
  async ({ req }) => {
    const raw = await readRawBody(req, MAX_WEBHOOK_BYTES);
    const s = paymentSettings();
    let event;
    try {
      event = verifyEvent(raw, req.headers.get("stripe-signature"), webhookSecrets(s), s.STRIPE_WEBHOOK_TOLERANCE_SECONDS);
    } catch (err) {
      if (err instanceof AppError && (err.code === "webhook_signature_invalid" || err.code === "webhook_timestamp_expired")) await countSignatureFailure(pool(), err.code);
      if (err instanceof SyntaxError) throw new AppError("bad_request", "The webhook body is not valid JSON.");
      throw err;
    }
    const r = await recordEvent(pool(), event);
    return { received: true, id: r.eventId, type: r.type, outcome: r.outcome };
  },
);
