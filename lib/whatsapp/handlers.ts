import "server-only";
// The queued extraction of an accepted batch: run the extractor over each still-accepted message,
// store offers, stamp extracted_at / offer_at and count, in one transaction. Parse failures are
// outcomes (status `error` with the reason), not task failures; a task fails only when the work
// itself cannot be done (database), and then retries and dead-letters like any queued task.
import type pg from "pg";
import { withTransaction } from "@/lib/platform/pg-transaction";
import type { ClaimedTask } from "@/lib/fulfillment/queue";
import type { HandlerRegistry } from "@/lib/fulfillment/worker";
import { COUNT_CTES, countParams } from "./counters";
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

export async function processExtractTask(p: pg.Pool, task: Pick<ClaimedTask, "payload">): Promise<{ offers: number; errors: number; none: number }> {
  const { messageIds } = extractTaskPayload.parse(task.payload);
  const result = await withTransaction(p, async (client) => {
    // Only messages not extracted yet: a retried task does not extract (or count) twice.
    const { rows } = await client.query<Pending>(
      `SELECT id::text, client_id, chat_title, sender, text FROM whatsapp_messages WHERE id = ANY($1::bigint[]) AND status = 'accepted' ORDER BY id FOR UPDATE`,
      [messageIds],
    );
    const offers: (ExtractedOffer & Pending)[] = [];
    const outcomes = rows.map((m) => {
      const r = extractOffer(m.text, m.sender);
      if (r.kind === "offer") offers.push({ ...m, ...r.offer });
      return { id: m.id, status: r.kind === "offer" ? "extracted" : r.kind === "none" ? "no_offer" : "error", error: r.kind === "error" ? `${r.reason}: ${r.message}` : null };
    });
    const errors = outcomes.filter((o) => o.status === "error").length;
    const counts = { extracted: rows.length, created: offers.length, errors };
    const { rows: latencies } = await client.query<{ seconds: number }>({
      name: "whatsapp.store_extraction", // prepared once per connection
      text: `WITH ${COUNT_CTES(1)},
       stamped AS (
         UPDATE whatsapp_messages m SET status = x.status, extraction_error = x.error, extracted_at = clock_timestamp(),
                offer_at = CASE WHEN x.status = 'extracted' THEN clock_timestamp() END
           FROM unnest($3::bigint[], $4::text[], $5::text[]) AS x(id, status, error)
          WHERE m.id = x.id
         RETURNING m.id, m.received_at, m.offer_at
       ),
       offers AS (
         INSERT INTO whatsapp_offers (message_row_id, client_id, chat_title, product, price, currency, quantity, unit, seller)
         SELECT * FROM unnest($6::bigint[], $7::text[], $8::text[], $9::text[], $10::numeric[], $11::text[], $12::numeric[], $13::text[], $14::text[])
         ON CONFLICT (message_row_id) DO NOTHING
         RETURNING message_row_id
       )
       SELECT extract(epoch FROM s.offer_at - s.received_at)::float8 AS seconds FROM stamped s JOIN offers o ON o.message_row_id = s.id`,
      values: [
        ...countParams(counts),
        outcomes.map((o) => o.id), outcomes.map((o) => o.status), outcomes.map((o) => o.error),
        offers.map((o) => o.id), offers.map((o) => o.client_id), offers.map((o) => o.chat_title), offers.map((o) => o.product), offers.map((o) => o.price),
        offers.map((o) => o.currency), offers.map((o) => o.quantity), offers.map((o) => o.unit), offers.map((o) => o.seller),
      ],
    });
    return { offers: offers.length, errors, none: rows.length - offers.length - errors, latencies: latencies.map((l) => l.seconds) };
  });
  messagesTotal.inc({ outcome: "extracted" }, result.offers + result.errors + result.none);
  messagesTotal.inc({ outcome: "offer_created" }, result.offers);
  messagesTotal.inc({ outcome: "no_offer" }, result.none);
  messagesTotal.inc({ outcome: "error" }, result.errors);
  for (const s of result.latencies) ingestToOfferSeconds.observe(s);
  return { offers: result.offers, errors: result.errors, none: result.none };
}

export function createWhatsappHandlers(p: () => pg.Pool): HandlerRegistry {
  return {
    [EXTRACT_TASK_TYPE]: async (task) => {
      await processExtractTask(p(), task);
    },
  };
}
