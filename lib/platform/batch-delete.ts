// Retention deletes in batches: each statement deletes at most `batch` rows (its SQL carries the
// LIMIT), so no transaction holds many row locks or a long snapshot; repeats until a short batch.
import type pg from "pg";

export const DELETE_BATCH = 10_000;

export async function deleteInBatches(pool: Pick<pg.Pool, "query">, sql: string, params: unknown[], batch = DELETE_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(sql, params);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < batch) return total;
  }
}
