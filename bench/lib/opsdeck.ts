// Our queue (lib/fulfillment) as a benchmark system: the production enqueue() and createWorker(),
// on a database migrated with the committed migrations.
import pg from "pg";
import { enqueue } from "@/lib/fulfillment/queue";
import { createWorker } from "@/lib/fulfillment/worker";
import type { StartedWorker, ThroughputKnobs } from "./competitors";
import { benchUrl, ensureOpsdeckDatabase } from "./common";

export function opsdeckSettings(k: ThroughputKnobs) {
  // The worker claims `batchSize` tasks per statement (FOR UPDATE SKIP LOCKED, one attempt row
  // each), runs up to `concurrency` at once and completes them in batched statements.
  return { batchSize: k.batchSize, concurrency: k.concurrency, pollIntervalMs: 1000, leaseMs: 30_000, maxAttempts: 5 };
}

export const opsdeck = {
  name: "opsdeck",
  async reset(c: pg.Client) {
    const { rows } = await c.query<{ t: string }>(
      `select t from unnest(array['fulfillment_attempts', 'fulfillment_tasks', 'fulfillment_counters', 'fulfillment_workers']) t
        where to_regclass(t) is not null`,
    );
    await c.query(`truncate ${rows.map((r) => r.t).join(", ")} restart identity cascade`);
  },
  async enqueue(url: string, count: number, chunk: number) {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      for (let done = 0; done < count; done += chunk) {
        const n = Math.min(chunk, count - done);
        await enqueue(pool, Array.from({ length: n }, (_, i) => ({ taskType: "noop", payload: { i: done + i } })));
      }
    } finally {
      await pool.end();
    }
  },
  async remaining(c: pg.Client) {
    const { rows } = await c.query("select count(*)::int as n from fulfillment_tasks");
    return rows[0].n as number;
  },
  /**
   * The attempt history must survive batching: exactly one succeeded attempt row per task, each
   * task's own (distinct task ids), and no task left in the queue table (a success deletes it).
   */
  async verify(c: pg.Client) {
    const { rows } = await c.query(
      `select (select count(*)::int from fulfillment_tasks) as left_in_queue,
              (select count(*)::int from fulfillment_attempts) as attempts,
              (select count(*)::int from fulfillment_attempts where outcome = 'succeeded') as succeeded_attempts,
              (select count(distinct task_id)::int from fulfillment_attempts where outcome = 'succeeded') as succeeded_tasks,
              (select count(*)::int from fulfillment_attempts where attempt <> 1) as tasks_with_retries`,
    );
    return rows[0] as { left_in_queue: number; attempts: number; succeeded_attempts: number; succeeded_tasks: number; tasks_with_retries: number };
  },
  analyzeSql: "analyze fulfillment_tasks, fulfillment_attempts",
};

export async function startOpsdeck(url: string, k: ThroughputKnobs, workerId: string, onDone: (n: number) => void): Promise<StartedWorker> {
  const pool = new pg.Pool({ connectionString: url, max: k.concurrency + 4 });
  pool.on("error", () => {});
  const worker = createWorker({
    pool,
    workerId,
    ...opsdeckSettings(k),
    handlers: {
      noop: async () => {
        onDone(1);
      },
    },
  });
  await worker.start();
  return {
    async stop() {
      await worker.stop();
      await pool.end();
    },
  };
}

/** SQL: how many of the tasks (all, or those whose ids are the bigint[] parameter `ids`) have succeeded. A success leaves the queue table; its success attempt is the record. */
export function succeededSql(ids?: string): string {
  return `select count(distinct task_id)::int from fulfillment_attempts where outcome = 'succeeded'${ids ? ` and task_id = any(${ids})` : ""}`;
}

/**
 * Where the enqueued tasks ended up, for the fault benches. `lost` = enqueued − succeeded −
 * dead-lettered: a task neither finished nor dead-lettered, whether still queued or gone without
 * a success attempt.
 */
export async function queueOutcome(c: pg.Client, enqueued: number) {
  const { rows } = await c.query<{ succeeded: number; dead_lettered: number; completed_twice: number; left_running: number; lease_expired_attempts: number; most_attempts: number }>(
    `select (${succeededSql()}) as succeeded,
            (select count(*)::int from fulfillment_tasks where status = 'dead_lettered') as dead_lettered,
            (select count(*)::int from (select task_id from fulfillment_attempts where outcome = 'succeeded' group by task_id having count(*) > 1) d) as completed_twice,
            (select count(*)::int from fulfillment_tasks where status = 'running') as left_running,
            (select count(*)::int from fulfillment_attempts where outcome = 'lease_expired') as lease_expired_attempts,
            (select coalesce(max(attempt), 0)::int from fulfillment_attempts) as most_attempts`,
  );
  return { ...rows[0], lost: enqueued - rows[0].succeeded - rows[0].dead_lettered };
}

/** The bench database (BENCH_DATABASE_URL), migrated, with an empty queue; and a client on it. */
export async function emptyQueueDatabase(): Promise<{ url: string; db: pg.Client }> {
  const url = benchUrl();
  await ensureOpsdeckDatabase(url);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await opsdeck.reset(db);
  return { url, db };
}
