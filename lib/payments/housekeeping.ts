import "server-only";
// Keeps the payments tables bounded: Idempotency-Key records expire after 24 h (as Stripe's do),
// and minute counters older than 25 h are folded into one row per day. Safe on every instance: an
// advisory lock lets one through per round.
import type pg from "pg";
import { pool } from "@/lib/platform/db";
import { logger } from "@/lib/platform/logger";
import type { WorkerDefinition } from "@/lib/platform/worker-runtime";

const EVERY_MS = 10 * 60_000;

export async function paymentsHousekeeping(p: pg.Pool): Promise<{ keys: number; counters: number }> {
  const { rows } = await p.query<{ keys: string; counters: string }>(
    `WITH gate AS (SELECT pg_try_advisory_xact_lock(hashtext('payments_housekeeping')) AS ok),
     keys AS (
       DELETE FROM payment_idempotency_keys WHERE (SELECT ok FROM gate) AND created_at < now() - interval '24 hours' RETURNING 1
     ), old AS (
       DELETE FROM payment_counters
        WHERE (SELECT ok FROM gate) AND bucket < date_trunc('day', now() - interval '25 hours') AND bucket <> date_trunc('day', bucket)
        RETURNING bucket, kind, outcome, reason, event_type, count, last_at
     ), merged AS (
       INSERT INTO payment_counters AS c (bucket, kind, outcome, reason, event_type, shard, count, last_at)
       SELECT date_trunc('day', bucket), kind, outcome, reason, event_type, 0, sum(count), max(last_at) FROM old GROUP BY 1, 2, 3, 4, 5
       ON CONFLICT (bucket, kind, outcome, reason, event_type, shard)
       DO UPDATE SET count = c.count + EXCLUDED.count, last_at = greatest(c.last_at, EXCLUDED.last_at)
     )
     SELECT (SELECT count(*) FROM keys)::text AS keys, (SELECT count(*) FROM old)::text AS counters`,
  );
  return { keys: Number(rows[0].keys), counters: Number(rows[0].counters) };
}

export const paymentsHousekeepingDefinition: WorkerDefinition = {
  name: "payments-housekeeping",
  enabled: () => ({ enabled: true, settings: { everyMinutes: EVERY_MS / 60_000 } }),
  async start() {
    const timer = setInterval(() => {
      paymentsHousekeeping(pool()).catch((err) => logger.warn({ err }, "payments housekeeping failed; will retry"));
    }, EVERY_MS);
    timer.unref();
    return { stop: async () => clearInterval(timer) };
  },
};
