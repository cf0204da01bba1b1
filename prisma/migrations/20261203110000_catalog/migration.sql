-- Catalog search (docs/catalog.md). pg_trgm is a trusted extension (PostgreSQL 13+): the database
-- owner may create it. Checked on the embedded PostgreSQL 17 and Debian's PostgreSQL 15.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE "catalog_products" (
    "id" BIGSERIAL NOT NULL,
    "sku" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "stock" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    -- Title words weigh most. Hyphenated words are also indexed joined ("T-Shirt" → "tshirt") so
    -- both spellings match.
    "search_vector" tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, "title" || ' ' || regexp_replace("title", '(\w)-(\w)', '\1\2', 'g')), 'A') ||
        setweight(to_tsvector('english'::regconfig, "category" || ' ' || regexp_replace("category", '(\w)-(\w)', '\1\2', 'g')), 'B') ||
        setweight(to_tsvector('english'::regconfig, "description" || ' ' || regexp_replace("description", '(\w)-(\w)', '\1\2', 'g')), 'C')
    ) STORED,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalog_products_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "catalog_products_sku_key" ON "catalog_products"("sku");
CREATE INDEX "catalog_products_category_idx" ON "catalog_products"("category");
-- Only active products are ever searched.
CREATE INDEX "catalog_products_search_idx" ON "catalog_products" USING GIN ("search_vector") WHERE "active";
-- The title tier of the ranking walks products in this order and stops after one page
-- (lib/catalog/search.ts): frequent words never rank every match.
CREATE INDEX "catalog_products_browse_idx" ON "catalog_products" ((stock > 0) DESC, "id") WHERE "active";

CREATE TABLE "catalog_search_terms" (
    "term" TEXT NOT NULL,
    "documents" INTEGER NOT NULL,

    CONSTRAINT "catalog_search_terms_pkey" PRIMARY KEY ("term")
);
-- GiST serves the nearest-term (<->) lookup of typo correction.
CREATE INDEX "catalog_search_terms_trgm_idx" ON "catalog_search_terms" USING GIST ("term" gist_trgm_ops);

-- Stemmed lexemes of the search vectors with their document counts (all fields, and titles only):
-- search() reads them to pick its plan (lib/catalog/search.ts). Rebuilt with the lexicon.
CREATE TABLE "catalog_search_lexemes" (
    "lexeme" TEXT NOT NULL,
    "documents" INTEGER NOT NULL,
    "title_documents" INTEGER NOT NULL,

    CONSTRAINT "catalog_search_lexemes_pkey" PRIMARY KEY ("lexeme")
);

CREATE TABLE "catalog_searches" (
    "id" BIGSERIAL NOT NULL,
    "query" TEXT NOT NULL,
    "corrected_query" TEXT,
    "result_count" INTEGER NOT NULL,
    "latency_ms" REAL NOT NULL,
    "session_hash" TEXT,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "searched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalog_searches_pkey" PRIMARY KEY ("id")
);
-- Covers the sliding-window zero-result rate (index-only scan).
CREATE INDEX "catalog_searches_searched_at_result_count_idx" ON "catalog_searches"("searched_at", "result_count");

CREATE TABLE "catalog_search_clicks" (
    "id" BIGSERIAL NOT NULL,
    "search_id" BIGINT NOT NULL,
    "position" INTEGER NOT NULL,
    "sku" TEXT,
    "clicked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalog_search_clicks_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "catalog_search_clicks_search_id_idx" ON "catalog_search_clicks"("search_id");
ALTER TABLE "catalog_search_clicks" ADD CONSTRAINT "catalog_search_clicks_search_id_fkey" FOREIGN KEY ("search_id") REFERENCES "catalog_searches"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Per query, per UTC hour (span 'hour') and per UTC day (span 'day'): 24-hour insights read hours,
-- 7- and 30-day insights read days, so a month of long-tail queries is ~30 rows per query, not ~720.
CREATE TABLE "catalog_query_rollups" (
    "span" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "query" TEXT NOT NULL,
    "searches" INTEGER NOT NULL DEFAULT 0,
    "zero_results" INTEGER NOT NULL DEFAULT 0,
    "clicked_searches" INTEGER NOT NULL DEFAULT 0,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "click_position_sum" BIGINT NOT NULL DEFAULT 0,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "catalog_query_rollups_pkey" PRIMARY KEY ("span","bucket","query")
);
