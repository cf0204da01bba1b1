-- CreateTable
CREATE TABLE "fulfillment_counters" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "task_type" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,
    "duration_ms" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "fulfillment_counters_pkey" PRIMARY KEY ("bucket","task_type","outcome")
);
