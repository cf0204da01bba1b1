-- Circuit breakers shared by every process: see prisma/schema/breakers.prisma and
-- lib/platform/breakers. No CHECK constraints: Prisma 6.19's WASM schema engine crashes
-- ("RuntimeError: unreachable") reading them in `prisma migrate diff`; the states are an enum, and
-- the settings are validated by sharedBreaker() before they are written. Every insert into the
-- transitions table notifies channel "opsdeck_breakers" (payload: the breaker's name), so every
-- process drops its cached state at once; the cache's TTL bounds staleness if a notification is
-- missed.
CREATE TYPE "circuit_breaker_state" AS ENUM ('closed', 'open', 'half_open');

CREATE TABLE "circuit_breakers" (
    "name" TEXT NOT NULL,
    "state" "circuit_breaker_state" NOT NULL DEFAULT 'closed',
    "forced" BOOLEAN NOT NULL DEFAULT false,
    "epoch" BIGINT NOT NULL DEFAULT 0,
    "failures_in_window" INTEGER NOT NULL DEFAULT 0,
    "window_started_at" TIMESTAMPTZ(3),
    "last_failure" TEXT,
    "failure_threshold" INTEGER NOT NULL,
    "open_cooldown_seconds" DOUBLE PRECISION NOT NULL,
    "half_open_probe_count" INTEGER NOT NULL,
    "failure_window_seconds" DOUBLE PRECISION NOT NULL,
    "opened_at" TIMESTAMPTZ(3),
    "next_probe_at" TIMESTAMPTZ(3),
    "probes_left" INTEGER NOT NULL DEFAULT 0,
    "probes_passed" INTEGER NOT NULL DEFAULT 0,
    "probe_taken_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "circuit_breakers_pkey" PRIMARY KEY ("name")
);


CREATE TABLE "circuit_breaker_transitions" (
    "id" BIGSERIAL NOT NULL,
    "breaker" TEXT NOT NULL,
    "from_state" "circuit_breaker_state" NOT NULL,
    "to_state" "circuit_breaker_state" NOT NULL,
    "cause" TEXT NOT NULL,
    "detail" TEXT,
    "actor" TEXT,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "circuit_breaker_transitions_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "circuit_breaker_transitions_breaker_at_idx" ON "circuit_breaker_transitions"("breaker", "at" DESC);
CREATE INDEX "circuit_breaker_transitions_at_idx" ON "circuit_breaker_transitions"("at" DESC);

CREATE FUNCTION "circuit_breaker_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('opsdeck_breakers', NEW."breaker");
  RETURN NEW;
END $$;

CREATE TRIGGER "circuit_breaker_transitions_notify" AFTER INSERT ON "circuit_breaker_transitions"
  FOR EACH ROW EXECUTE FUNCTION "circuit_breaker_notify"();
