// Shared by the fulfillment test files: a pool on the test database and small polling helpers.
import pg from "pg";
import { taskStatusSql } from "./queue";

export function testPool(url = process.env.DATABASE_URL!): pg.Pool {
  const p = new pg.Pool({ connectionString: url, max: 12 });
  p.on("error", () => {});
  return p;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** How many of the tasks are in each status ('succeeded' ones have left the queue table: taskStatusSql). */
export async function statuses(p: pg.Pool, ids: bigint[]): Promise<Record<string, number>> {
  const { rows } = await p.query<{ status: string; n: string }>(
    `SELECT s.status, count(*)::text AS n FROM unnest($1::bigint[]) AS i(id), LATERAL (SELECT ${taskStatusSql("i.id")} AS status) s
      WHERE s.status IS NOT NULL GROUP BY s.status`,
    [ids.map(String)],
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

const PARK = "interval '1000 years'";

/**
 * Test files share one database and run one after another; a worker started here would also run
 * tasks other files left queued. Park those (run_at far in the future) and put them back after.
 */
export async function parkQueuedTasks(p: pg.Pool): Promise<() => Promise<void>> {
  const { rows } = await p.query<{ id: string }>(
    `UPDATE fulfillment_tasks SET run_at = run_at + ${PARK} WHERE status IN ('pending', 'retry_scheduled') RETURNING id`,
  );
  const ids = rows.map((r) => r.id);
  return async () => {
    if (ids.length) await p.query(`UPDATE fulfillment_tasks SET run_at = run_at - ${PARK} WHERE id = ANY($1::bigint[])`, [ids]);
  };
}
