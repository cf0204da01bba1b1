-- Every completion upserts its minute's counter row, so workers finishing batches at once queued on
-- that row lock until each commit. Each worker now writes its own shard (hashtext(worker id) & 7),
-- readers already sum over rows. Historical rows and compacted days stay in shard 0.
ALTER TABLE "fulfillment_counters" ADD COLUMN "shard" SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE "fulfillment_counters" DROP CONSTRAINT "fulfillment_counters_pkey";
ALTER TABLE "fulfillment_counters" ADD CONSTRAINT "fulfillment_counters_pkey" PRIMARY KEY ("bucket", "task_type", "outcome", "shard");
