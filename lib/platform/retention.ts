import "server-only";
// Retention as a general piece: delete old rows in small batches (short transactions, no long
// locks) and run a domain's prune pass periodically as a worker. Every instance may run the pass;
// deletes by age are idempotent, so two instances at once only share the work.
import type pg from "pg";
import { logger } from "./logger";
import { outsideWork } from "./telemetry/context";
import type { WorkerDefinition } from "./worker-runtime";

export const RETENTION_BATCH = 10_000;

/**
 * Runs a `DELETE … LIMIT ${RETENTION_BATCH}`-shaped statement until it deletes fewer than a batch;
 * returns the rows deleted. The statement must bound itself (e.g. `WHERE id IN (SELECT id … LIMIT n)`).
 */
export async function deleteInBatches(pool: pg.Pool, sql: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(sql, params);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < RETENTION_BATCH) return total;
  }
}

/**
 * Deletes the rows of `table` whose `column` is before `before`, in batches. `key` picks the rows
 * of a batch: a unique id column, or `ctid` for tables keyed by several columns. Names are ours
 * (constants in the callers), never input.
 */
export function deleteOlderThan(pool: pg.Pool, o: { table: string; key: string; column: string; before: Date }): Promise<number> {
  return deleteInBatches(pool, `DELETE FROM ${o.table} WHERE ${o.key} IN (SELECT ${o.key} FROM ${o.table} WHERE ${o.column} < $1 LIMIT ${RETENTION_BATCH})`, [o.before]);
}

export interface RetentionWorkerOptions {
  name: string;
  everyMs: number;
  /** One pass; resolves to counts per table for the log. */
  prune: () => Promise<Record<string, number>>;
  /** The retention settings, shown in the start-up log. */
  settings: () => Record<string, unknown>;
}

/** The prune pass as a worker: once at start, then every `everyMs`; a failed pass is logged and retried next time. */
export function retentionWorker(o: RetentionWorkerOptions): WorkerDefinition {
  return {
    name: o.name,
    enabled: () => ({ enabled: true, settings: o.settings() }),
    async start() {
      let inFlight: Promise<void> | null = null;
      const run = () => {
        inFlight ??= o.prune().then(
          (r) => logger.debug({ ...r, worker: o.name }, `${o.name} pass`),
          (err) => logger.warn({ err, worker: o.name }, `${o.name} pass failed; will retry in ${Math.round(o.everyMs / 60_000)} min`),
        ).finally(() => (inFlight = null));
      };
      const timer = outsideWork(() => setInterval(run, o.everyMs));
      timer.unref();
      run();
      return {
        stop: async () => {
          clearInterval(timer);
          await inFlight;
        },
      };
    },
  };
}
