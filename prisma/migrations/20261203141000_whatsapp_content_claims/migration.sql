-- Content-dedupe claims (issue 10): one row per (chat, content hash) naming the accepted message
-- that holds that content within the dedupe window. Ingest claims with INSERT … ON CONFLICT inside
-- its single statement; unlike a lookup, ON CONFLICT sees a concurrent claimer's committed row, so
-- two collectors sending the same content at once are told apart without advisory locks.
CREATE TABLE "whatsapp_content_claims" (
    "chat_id" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "message_row_id" BIGINT NOT NULL,
    "claimed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "whatsapp_content_claims_pkey" PRIMARY KEY ("chat_id","content_hash")
);

CREATE INDEX "whatsapp_content_claims_claimed_at_idx" ON "whatsapp_content_claims"("claimed_at");

-- Claims for the content received in the last day (any dedupe window up to a day keeps working
-- across the upgrade).
INSERT INTO "whatsapp_content_claims" ("chat_id", "content_hash", "message_row_id", "claimed_at")
SELECT DISTINCT ON (chat_id, content_hash) chat_id, content_hash, id, received_at
  FROM "whatsapp_messages"
 WHERE status <> 'duplicate' AND received_at > now() - interval '1 day'
 ORDER BY chat_id, content_hash, received_at DESC;
