// graphile-worker and pg-boss, driven the way their documentation recommends for throughput, so
// the comparison with our queue is fair. Each library gets its own database on the same server.
import pg from "pg";
import { Logger, makeWorkerUtils, run, runMigrations as graphileMigrate, type Runner } from "graphile-worker";
import PgBoss from "pg-boss";

export const PGBOSS_QUEUE = "bench_noop";

/** Shared knobs, so every system sees the same per-process concurrency and batch size where it has one. */
export interface ThroughputKnobs {
  /** jobs run at once in one process */
  concurrency: number;
  /** jobs claimed per round trip */
  batchSize: number;
}

const silentLogger = new Logger(() => () => {});

export function graphileSettings(k: ThroughputKnobs) {
  // Docs (performance → batching): localQueue pulls a batch per fetch; completeJobBatchDelay /
  // failJobBatchDelay batch the completion writes (0 = batch whatever completes in the same tick).
  return {
    concurrency: k.concurrency,
    pollInterval: 1000,
    preset: { worker: { localQueue: { size: k.batchSize }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  };
}

export function pgBossSettings(k: ThroughputKnobs) {
  // pg-boss 10 has no in-process concurrency option: the documented way is several work() loops.
  // Each loop fetches `batchSize` jobs, runs the handler once over the batch, completes them in one
  // statement, then waits out the rest of pollingIntervalSeconds (minimum 0.5 s) before fetching
  // again, so its batch must be larger than ours to keep up: we give it 5x.
  return { workLoops: k.concurrency, batchSize: k.batchSize * 5, pollingIntervalSeconds: 0.5 };
}

export const graphile = {
  name: "graphile-worker",
  async setup(url: string) {
    await graphileMigrate({ connectionString: url, logger: silentLogger });
  },
  async reset(url: string) {
    await withClient(url, (c) => c.query("truncate graphile_worker._private_jobs, graphile_worker._private_job_queues"));
  },
  async enqueue(url: string, count: number, chunk: number) {
    const utils = await makeWorkerUtils({ connectionString: url, logger: silentLogger });
    try {
      for (let done = 0; done < count; done += chunk) {
        const n = Math.min(chunk, count - done);
        await utils.addJobs(Array.from({ length: n }, (_, i) => ({ identifier: "noop", payload: { i: done + i } })));
      }
    } finally {
      await utils.release();
    }
  },
  /** Completed jobs are deleted by graphile-worker, so "remaining" is just the row count. */
  async remaining(c: pg.Client) {
    const { rows } = await c.query("select count(*)::int as n from graphile_worker._private_jobs");
    return rows[0].n as number;
  },
  analyzeSql: "analyze graphile_worker._private_jobs",
};

export const pgBoss = {
  name: "pg-boss",
  async setup(url: string) {
    const boss = new PgBoss({ connectionString: url, schedule: false, supervise: false });
    boss.on("error", () => {});
    await boss.start();
    if (!(await boss.getQueue(PGBOSS_QUEUE))) await boss.createQueue(PGBOSS_QUEUE);
    await boss.stop({ graceful: false, wait: true });
  },
  async reset(url: string) {
    await withClient(url, (c) => c.query("truncate pgboss.job, pgboss.archive"));
  },
  async enqueue(url: string, count: number, chunk: number) {
    const boss = new PgBoss({ connectionString: url, schedule: false, supervise: false, migrate: false });
    boss.on("error", () => {});
    await boss.start();
    try {
      for (let done = 0; done < count; done += chunk) {
        const n = Math.min(chunk, count - done);
        await boss.insert(Array.from({ length: n }, (_, i) => ({ name: PGBOSS_QUEUE, data: { i: done + i } })));
      }
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  },
  async remaining(c: pg.Client) {
    const { rows } = await c.query("select count(*)::int as n from pgboss.job where name = $1 and state <> 'completed'", [PGBOSS_QUEUE]);
    return rows[0].n as number;
  },
  analyzeSql: "analyze pgboss.job",
};

// ---- child side -----------------------------------------------------------------------------

export interface StartedWorker {
  stop(): Promise<void>;
}

export async function startGraphile(url: string, k: ThroughputKnobs, onDone: (n: number) => void): Promise<StartedWorker> {
  const runner: Runner = await run({
    connectionString: url,
    ...graphileSettings(k),
    maxPoolSize: k.concurrency + 2,
    noHandleSignals: true,
    logger: silentLogger,
    taskList: { noop: async () => onDone(1) },
  });
  return { stop: () => runner.stop() };
}

export async function startPgBoss(url: string, k: ThroughputKnobs, onDone: (n: number) => void): Promise<StartedWorker> {
  const s = pgBossSettings(k);
  const boss = new PgBoss({ connectionString: url, max: s.workLoops + 2, schedule: false, supervise: false, migrate: false });
  boss.on("error", (err) => console.error("pg-boss error:", err.message));
  await boss.start();
  for (let i = 0; i < s.workLoops; i++) {
    await boss.work(PGBOSS_QUEUE, { batchSize: s.batchSize, pollingIntervalSeconds: s.pollingIntervalSeconds }, async (jobs) => {
      onDone(jobs.length);
    });
  }
  return { stop: () => boss.stop({ graceful: true, wait: true }) };
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
