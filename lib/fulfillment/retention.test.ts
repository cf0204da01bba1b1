import { afterAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/platform/db";
import { pruneAttempts } from "./retention";

const TYPE = "retention-test";

afterAll(async () => {
  await pool().query(`DELETE FROM fulfillment_tasks WHERE task_type = $1`, [TYPE]);
  await pool().query(`DELETE FROM fulfillment_attempts WHERE task_type = $1`, [TYPE]);
});

/** An attempt of task `taskId` that finished `days` ago. */
async function attempt(taskId: string, days: number) {
  await pool().query(
    `INSERT INTO fulfillment_attempts (task_id, attempt, task_type, worker_id, started_at, finished_at, outcome)
     VALUES ($1, 1, $2, 'w', now() - make_interval(days => $3), now() - make_interval(days => $3), 'succeeded')`,
    [taskId, TYPE, days],
  );
}

describe("fulfillment attempt retention", () => {
  it("deletes old attempts of tasks that left the queue, keeps recent ones and those of queued tasks", async () => {
    const id = async () => (await pool().query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('fulfillment_tasks', 'id'))::text AS id`)).rows[0].id;
    const [goneOld, goneRecent, deadOld] = [await id(), await id(), await id()];
    await pool().query(
      `INSERT INTO fulfillment_tasks (id, task_type, payload, status, dead_lettered_at, finished_at) VALUES ($1, $2, '{}', 'dead_lettered', now(), now())`,
      [deadOld, TYPE],
    );
    await attempt(goneOld, 40);
    await attempt(goneRecent, 10);
    await attempt(deadOld, 40);
    const { attempts } = await pruneAttempts(pool());
    expect(attempts).toBeGreaterThanOrEqual(1);
    const { rows } = await pool().query<{ task_id: string }>(`SELECT task_id::text FROM fulfillment_attempts WHERE task_type = $1 ORDER BY task_id`, [TYPE]);
    expect(rows.map((r) => r.task_id)).toEqual([goneRecent, deadOld]);
  });
});
