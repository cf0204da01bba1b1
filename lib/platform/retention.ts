import "server-only";
// Retention as a general piece: delete rows older than a cut-off in small batches (batch-delete.ts:
// short statements, no long locks) and run a domain's prune pass periodically as a worker. Every
// instance may run the pass; deletes by age are idempotent, so two instances only share the work.
import type pg from "pg";
import { DELETE_BATCH, deleteInBatches } from "./batch-delete";
import { logger } from "./logger";
import { outsideWork } from "./telemetry/context";
import type { WorkerDefinition } from "./worker-runtime";

/**
 * Deletes the rows of `table` whose `column` is before `before`, in batches. `key` picks the rows
 * of a batch: a unique id column, or `ctid` for tables keyed by several columns. Names are ours
 * (constants in the callers), never input.
 */
export function deleteOlderThan(pool: pg.Pool, o: { table: string; key: string; column: string; before: Date }): Promise<number> {
  return deleteInBatches(pool, `DELETE FROM ${o.table} WHERE ${o.key} IN (SELECT ${o.key} FROM ${o.table} WHERE ${o.column} < $1 LIMIT ${DELETE_BATCH})`, [o.before]);
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
