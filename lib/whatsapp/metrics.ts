import "server-only";
// Prometheus series for WhatsApp ingest, per process (the JSON totals come from the database).
// Labels are bounded: fixed outcome and reason sets, never client ids, chat titles or text.
import { counter, gauge, histogram } from "@/lib/platform/metrics";
import { pool } from "@/lib/platform/db";
import { offlineCollectors } from "./collectors";

export const MESSAGE_OUTCOMES = ["accepted", "deduped", "extracted", "offer_created", "no_offer", "error"] as const;
export const REJECTION_REASONS = ["auth_failure", "forbidden", "signature_failure", "rate_limited"] as const;
export const MEDIA_OUTCOMES = ["uploaded", "deduped", "failed"] as const;

export const messagesTotal = counter(
  "whatsapp_ingest_messages_total",
  "WhatsApp messages by outcome: accepted (new), deduped, extracted (run through the extractor), offer_created, no_offer, error (offer-like, unparsable)",
  ["outcome"] as const,
);

export const rejectionsTotal = counter(
  "whatsapp_ingest_rejections_total",
  "Rejected ingest requests by reason: auth_failure (401), forbidden (403 scope), signature_failure (403 HMAC), rate_limited (429)",
  ["reason"] as const,
);

export const mediaTotal = counter("whatsapp_media_total", "Message media by outcome: uploaded, deduped (content already stored), failed", ["outcome"] as const);

export const ingestToOfferSeconds = histogram(
  "whatsapp_ingest_to_offer_seconds",
  "Time from a message's arrival at the ingest endpoint to its offer being stored",
  [],
  [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
);

// Read from the database on scrape: every replica reports the same cluster-wide number.
export const collectorsOffline = gauge("whatsapp_collectors_offline", "Collectors offline now (status not open for 2 min, or no successful batch for 10 min)", [], async function () {
  this.set(await offlineCollectors(pool()).catch(() => 0));
});
