-- WhatsApp ingest: messages with their stage timestamps, offers extracted from them, content-
-- addressed media, collectors' heartbeats, per-minute and running counters (sharded, upserted in
-- the transaction of the outcome they count) and the capped log of recent failures.
-- See prisma/schema/whatsapp.prisma.
CREATE TABLE "whatsapp_messages" (
    "id" BIGSERIAL NOT NULL,
    "client_id" TEXT NOT NULL,
    "chat_id" TEXT NOT NULL,
    "chat_title" TEXT NOT NULL DEFAULT '',
    "message_id" TEXT NOT NULL,
    "sender" TEXT NOT NULL DEFAULT '',
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "text" TEXT NOT NULL DEFAULT '',
    "content_hash" TEXT NOT NULL,
    "media_sha256" TEXT,
    "run_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'accepted',
    "duplicate_of" BIGINT,
    "deliveries" INTEGER NOT NULL DEFAULT 1,
    "extraction_error" TEXT,
    "task_id" BIGINT,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "deduped_at" TIMESTAMPTZ(3),
    "accepted_at" TIMESTAMPTZ(3),
    "extracted_at" TIMESTAMPTZ(3),
    "offer_at" TIMESTAMPTZ(3),

    CONSTRAINT "whatsapp_messages_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "whatsapp_messages_client_id_chat_id_message_id_key" ON "whatsapp_messages"("client_id", "chat_id", "message_id");
CREATE INDEX "whatsapp_messages_chat_id_content_hash_received_at_idx" ON "whatsapp_messages"("chat_id", "content_hash", "received_at" DESC);
CREATE INDEX "whatsapp_messages_received_at_idx" ON "whatsapp_messages"("received_at" DESC);
CREATE INDEX "whatsapp_messages_run_id_idx" ON "whatsapp_messages"("run_id") WHERE "run_id" IS NOT NULL;
CREATE INDEX "whatsapp_messages_offer_at_idx" ON "whatsapp_messages"("offer_at" DESC) WHERE "offer_at" IS NOT NULL;
CREATE INDEX "whatsapp_messages_errors_idx" ON "whatsapp_messages"("extracted_at" DESC) WHERE "status" = 'error';

CREATE TABLE "whatsapp_offers" (
    "id" BIGSERIAL NOT NULL,
    "message_row_id" BIGINT NOT NULL,
    "client_id" TEXT NOT NULL,
    "chat_title" TEXT NOT NULL DEFAULT '',
    "product" TEXT NOT NULL,
    "price" NUMERIC(18,2) NOT NULL,
    "currency" TEXT NOT NULL,
    "quantity" NUMERIC(14,3),
    "unit" TEXT,
    "seller" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "whatsapp_offers_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "whatsapp_offers_message_row_id_key" ON "whatsapp_offers"("message_row_id");
CREATE INDEX "whatsapp_offers_created_at_idx" ON "whatsapp_offers"("created_at" DESC);
ALTER TABLE "whatsapp_offers" ADD CONSTRAINT "whatsapp_offers_message_row_id_fkey" FOREIGN KEY ("message_row_id") REFERENCES "whatsapp_messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "whatsapp_media" (
    "sha256" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "storage_key" TEXT NOT NULL,
    "references" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "whatsapp_media_pkey" PRIMARY KEY ("sha256")
);

CREATE TABLE "whatsapp_collectors" (
    "id" TEXT NOT NULL,
    "connection_status" TEXT NOT NULL,
    "batches_success" BIGINT NOT NULL DEFAULT 0,
    "batches_failure" BIGINT NOT NULL DEFAULT 0,
    "version" TEXT NOT NULL DEFAULT '',
    "last_heartbeat_at" TIMESTAMPTZ(3) NOT NULL,
    "status_since" TIMESTAMPTZ(3) NOT NULL,
    "success_increased_at" TIMESTAMPTZ(3) NOT NULL,
    "last_batch_at" TIMESTAMPTZ(3),

    CONSTRAINT "whatsapp_collectors_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "whatsapp_counters" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "name" TEXT NOT NULL,
    "shard" SMALLINT NOT NULL DEFAULT 0,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "whatsapp_counters_pkey" PRIMARY KEY ("bucket", "name", "shard")
);

CREATE TABLE "whatsapp_counter_totals" (
    "name" TEXT NOT NULL,
    "shard" SMALLINT NOT NULL DEFAULT 0,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "whatsapp_counter_totals_pkey" PRIMARY KEY ("name", "shard")
);

CREATE TABLE "whatsapp_failures" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "client_id" TEXT NOT NULL DEFAULT '',
    "chat_title" TEXT NOT NULL DEFAULT '',
    "status" INTEGER,
    "detail" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "whatsapp_failures_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "whatsapp_harness_reports" (
    "id" BIGSERIAL NOT NULL,
    "run_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "source" TEXT NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "report" JSONB NOT NULL,

    CONSTRAINT "whatsapp_harness_reports_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "whatsapp_harness_reports_created_at_idx" ON "whatsapp_harness_reports"("created_at" DESC);
