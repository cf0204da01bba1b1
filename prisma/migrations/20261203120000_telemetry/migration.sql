-- Platform telemetry: operational events, per-minute request statistics (API SLOs and alerts),
-- and a bounded sample of slow traces. See docs/telemetry.md.
-- CreateTable
CREATE TABLE "telemetry_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "name" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "route" TEXT,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "request_id" TEXT,
    "trace_id" TEXT,
    "duration_ms" DOUBLE PRECISION,
    "detail" TEXT,

    CONSTRAINT "telemetry_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "http_request_minutes" (
    "minute" TIMESTAMPTZ(0) NOT NULL,
    "route" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "status" SMALLINT NOT NULL,
    "requests" BIGINT NOT NULL,
    "duration_sum_ms" DOUBLE PRECISION NOT NULL,
    "max_ms" DOUBLE PRECISION NOT NULL,
    "buckets" BIGINT[],

    CONSTRAINT "http_request_minutes_pkey" PRIMARY KEY ("minute","route","method","status")
);

-- CreateTable
CREATE TABLE "telemetry_spans" (
    "trace_id" TEXT NOT NULL,
    "span_id" TEXT NOT NULL,
    "parent_id" TEXT,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "start_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" DOUBLE PRECISION NOT NULL,
    "status" TEXT NOT NULL,
    "attributes" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "telemetry_spans_pkey" PRIMARY KEY ("trace_id","span_id")
);

-- CreateIndex
CREATE INDEX "telemetry_events_at_idx" ON "telemetry_events"("at");

-- CreateIndex
CREATE INDEX "telemetry_events_name_at_idx" ON "telemetry_events"("name", "at");

-- CreateIndex
CREATE INDEX "telemetry_events_trace_id_idx" ON "telemetry_events"("trace_id");

-- CreateIndex
CREATE INDEX "telemetry_spans_start_at_idx" ON "telemetry_spans"("start_at");

