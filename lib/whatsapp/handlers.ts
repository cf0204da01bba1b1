import "server-only";
// The queued extraction of an accepted batch: run the extractor over each still-accepted message,
// store offers, stamp extracted_at / offer_at and count, in one statement. Parse failures are
// outcomes (status `error` with the reason), not task failures; a task fails only when the work
// itself cannot be done (database), and then retries and dead-letters like any queued task.
import type pg from "pg";
import type { ClaimedTask } from "@/lib/fulfillment/queue";
import type { HandlerRegistry } from "@/lib/fulfillment/worker";
import { COUNT_CTES_FROM } from "./counters";
import { extractOffer, type ExtractedOffer } from "./extractor";
import { ingestToOfferSeconds, messagesTotal } from "./metrics";
import { EXTRACT_TASK_TYPE, extractTaskPayload } from "./task-types";

interface Pending {
  id: string;
  client_id: string;
  chat_title: string;
  sender: string;
  text: string;
}

/**
 * Two round trips, no explicit transaction: read the still-accepted messages, then one statement
 * stamps each outcome — only where the message is still `accepted`, so a task run twice at once (a
 * lease lost mid-run) stamps, stores and counts each message once: the second statement waits on the
 * first's row locks, then finds the rows no longer accepted — and inserts the offers and counts what
 * it stamped.
 */
export async function processExtractTask(p: pg.Pool, task: Pick<ClaimedTask, "payload">): Promise<{ offers: number; errors: number; none: number }> {
  const { messageIds } = extractTaskPayload.parse(task.payload);
  const { rows } = await p.query<Pending>({
    name: "whatsapp.pending_extraction",
    text: `SELECT id::text, client_id, chat_title, sender, text FROM whatsapp_messages WHERE id = ANY($1::bigint[]) AND status = 'accepted' ORDER BY id`,
    values: [messageIds],
  });
  if (rows.length === 0) return { offers: 0, errors: 0, none: 0 };
  const offers: (ExtractedOffer & Pending)[] = [];
  const outcomes = rows.map((m) => {
    const r = extractOffer(m.text, m.sender);
    if (r.kind === "offer") offers.push({ ...m, ...r.offer });
    return { id: m.id, status: r.kind === "offer" ? "extracted" : r.kind === "none" ? "no_offer" : "error", error: r.kind === "error" ? `${r.reason}: ${r.message}` : null };
  });
  const { rows: stamped } = await p.query<{ status: string; seconds: number | null }>({
    name: "whatsapp.store_extraction", // prepared once per connection
    text: `WITH stamped AS (
         UPDATE whatsapp_messages m SET status = x.status, extraction_error = x.error, extracted_at = clock_timestamp(),
                offer_at = CASE WHEN x.status = 'extracted' THEN clock_timestamp() END
           FROM unnest($1::bigint[], $2::text[], $3::text[]) AS x(id, status, error)
          WHERE m.id = x.id AND m.status = 'accepted'
         RETURNING m.id, m.status, m.received_at, m.offer_at
       ),
       offers AS (
         INSERT INTO whatsapp_offers (message_row_id, client_id, chat_title, product, price, currency, quantity, unit, seller)
         SELECT o.* FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::text[], $10::numeric[], $11::text[], $12::text[])
                  AS o(id, client_id, chat_title, product, price, currency, quantity, unit, seller)
          WHERE o.id IN (SELECT id FROM stamped)
         ON CONFLICT (message_row_id) DO NOTHING
         RETURNING message_row_id
       ),
       ${COUNT_CTES_FROM(`VALUES ('created', (SELECT count(*) FROM offers)), ('extracted', (SELECT count(*) FROM stamped)),
                          ('errors', (SELECT count(*) FROM stamped WHERE status = 'error'))`)}
       SELECT s.status, CASE WHEN o.message_row_id IS NOT NULL THEN extract(epoch FROM s.offer_at - s.received_at)::float8 END AS seconds
         FROM stamped s LEFT JOIN offers o ON o.message_row_id = s.id`,
    values: [
      outcomes.map((o) => o.id), outcomes.map((o) => o.status), outcomes.map((o) => o.error),
      offers.map((o) => o.id), offers.map((o) => o.client_id), offers.map((o) => o.chat_title), offers.map((o) => o.product), offers.map((o) => o.price),
      offers.map((o) => o.currency), offers.map((o) => o.quantity), offers.map((o) => o.unit), offers.map((o) => o.seller),
    ],
  });
  const result = {
    offers: stamped.filter((r) => r.seconds !== null).length,
    errors: stamped.filter((r) => r.status === "error").length,
    none: stamped.filter((r) => r.status === "no_offer").length,
  };
  messagesTotal.inc({ outcome: "extracted" }, stamped.length);
  messagesTotal.inc({ outcome: "offer_created" }, result.offers);
  messagesTotal.inc({ outcome: "no_offer" }, result.none);
  messagesTotal.inc({ outcome: "error" }, result.errors);
  for (const r of stamped) if (r.seconds !== null) ingestToOfferSeconds.observe(r.seconds);
  return result;
}

export function createWhatsappHandlers(p: () => pg.Pool): HandlerRegistry {
  return {
    [EXTRACT_TASK_TYPE]: async (task) => {
      await processExtractTask(p(), task);
    },
  };
}
