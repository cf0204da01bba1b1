-- The shared store of rate-limiter-flexible's PostgreSQL limiter (lib/platform/rate-limit.ts):
-- one table for every limiter (keys are prefixed by limiter name), so limits hold across instances.
-- Columns as the library expects them; `expire` is epoch milliseconds.
CREATE TABLE "rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);
