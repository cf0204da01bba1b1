-- One precomputed insights document per window, refreshed by the catalog housekeeping worker, so
-- merchandisers' pages, the API and exports read one row instead of aggregating the rollups.
CREATE TABLE "catalog_insight_snapshots" (
    "insight_window" TEXT NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,
    "compute_ms" INTEGER NOT NULL,
    "body" JSONB NOT NULL,

    CONSTRAINT "catalog_insight_snapshots_pkey" PRIMARY KEY ("insight_window")
);
