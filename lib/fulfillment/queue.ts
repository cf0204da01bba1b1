import "server-only";
// The queue's hot path in plain SQL on a pg pool (no Prisma): enqueue, claim, complete, fail,
// heartbeat. Every state change after a claim is conditional on `lease_owner = me AND status =
// 'running'`, so a worker that lost its lease (and whose task was reclaimed) cannot overwrite it.
import type pg from "pg";
import { AppError } from "@/lib/platform/errors";
import { pool } from "@/lib/platform/db";
import { processSingleton } from "@/lib/platform/global";
import { payloadSchemaFor, TASK_TYPE_NAMES } from "@/lib/task-types";

export const NOTIFY_CHANNEL = "fulfillment_tasks";
export const DEFAULT_MAX_ATTEMPTS = () => Number(process.env.FULFILLMENT_MAX_ATTEMPTS ?? 5) || 5;

type Queryable = pg.Pool | pg.PoolClient;

export interface EnqueueTask {
  taskType: string;
  payload: unknown;
  orderItemId?: string | null;
  runAt?: Date | null;
  maxAttempts?: number;
  /** Lower is claimed first among due pending tasks (default 0; -32768..32767). */
  priority?: number;
}

/** Checks a payload against its task type's schema; throws a 422 AppError naming the problem. */
export function validateTask(taskType: string, payload: unknown, where = "payload"): unknown {
  const schema = payloadSchemaFor(taskType);
  if (!schema) {
    throw new AppError("validation_failed", `Unknown task type "${taskType}". Use one of: ${TASK_TYPE_NAMES.join(", ")}.`);
  }
  const r = schema.safeParse(payload);
  if (!r.success) {
    const first = r.error.issues[0];
    const at = first?.path.length ? ` at "${first.path.join(".")}"` : "";
    throw new AppError("validation_failed", `Invalid ${where} for task type "${taskType}"${at}: ${first?.message ?? "invalid"}.`, {
      taskType,
      issues: r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  return r.data;
}

/**
 * Inserts tasks and wakes listening workers in one statement (one round trip; the notification is
 * delivered at commit, so inside a caller's transaction only if it commits; identical ones collapse).
 * `notify: false` leaves the waking to the caller (a workerWaker's trailing notification).
 * Returns the new ids in input order (ids ascend with it).
 */
export async function enqueue(client: Queryable, tasks: EnqueueTask[], opts: { notify?: boolean } = {}): Promise<bigint[]> {
  if (tasks.length === 0) return [];
  const types: string[] = [];
  const payloads: string[] = [];
  const items: (string | null)[] = [];
  const runAts: (string | null)[] = [];
  const maxes: number[] = [];
  const priorities: number[] = [];
  tasks.forEach((t, i) => {
    const payload = validateTask(t.taskType, t.payload, tasks.length > 1 ? `payload of task ${i}` : "payload");
    if (t.maxAttempts !== undefined && (!Number.isInteger(t.maxAttempts) || t.maxAttempts < 1 || t.maxAttempts > 100)) {
      throw new AppError("validation_failed", `maxAttempts must be an integer between 1 and 100 (got ${t.maxAttempts}).`);
    }
    if (t.priority !== undefined && (!Number.isInteger(t.priority) || t.priority < -32768 || t.priority > 32767)) {
      throw new AppError("validation_failed", `priority must be an integer between -32768 and 32767 (got ${t.priority}).`);
    }
    types.push(t.taskType);
    payloads.push(JSON.stringify(payload));
    items.push(t.orderItemId ?? null);
    runAts.push(t.runAt ? t.runAt.toISOString() : null);
    maxes.push(t.maxAttempts ?? DEFAULT_MAX_ATTEMPTS());
    priorities.push(t.priority ?? 0);
  });
  const { rows } = await client
    .query<{ id: string }>(
    `WITH inserted AS (
       INSERT INTO fulfillment_tasks (task_type, payload, order_item_id, run_at, max_attempts, priority)
       SELECT t, p, oi, coalesce(r, now()), m, pr
         FROM unnest($1::text[], $2::jsonb[], $3::uuid[], $4::timestamptz[], $5::int[], $7::smallint[]) WITH ORDINALITY AS x(t, p, oi, r, m, pr, ord)
        ORDER BY ord
       RETURNING id
     ), woken AS (SELECT CASE WHEN $8::boolean THEN pg_notify($6, '') END)
     SELECT id FROM inserted, woken`,
    [types, payloads, items, runAts, maxes, NOTIFY_CHANNEL, priorities, opts.notify ?? true],
    )
    .catch((err: { code?: string }) => {
      if (err.code === "23503") throw new AppError("validation_failed", "orderItemId does not name an existing order item; create the order item first or omit it.");
      throw err;
    });
  return rows.map((r) => BigInt(r.id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * enqueue() as a CTE inside a caller's own statement, for a task whose payload depends on rows that
 * statement writes (one round trip instead of two). Inserts one task of type $typeParam with
 * $maxAttemptsParam attempts, `priority` (an SQL expression, default 0) and, when given, id `id` (an
 * SQL expression, e.g. a nextval the statement also stores in its rows; else the column default),
 * when the jsonb expression `payload` is not null. `<name>_woken` notifies the workers
 * when $notifyParam is true: a SELECT CTE runs only when read, so the statement must read it. The
 * payload is built in SQL, so validateTask cannot see it: the type's handler parses it on claim.
 */
export function enqueueCte(o: { name: string; id?: string; payload: string; typeParam: number; maxAttemptsParam: number; notifyParam: number; priority?: string }): string {
  return `${o.name} AS (
    INSERT INTO fulfillment_tasks (id, task_type, payload, run_at, max_attempts, priority)
    SELECT ${o.id ?? "nextval(pg_get_serial_sequence('fulfillment_tasks', 'id'))"}, $${o.typeParam}, x.p, now(), $${o.maxAttemptsParam}, ${o.priority ?? "0"}
      FROM (SELECT ${o.payload} AS p) x WHERE x.p IS NOT NULL
    RETURNING id
  ),
  ${o.name}_woken AS (SELECT pg_notify('${NOTIFY_CHANNEL}', '') FROM ${o.name} WHERE $${o.notifyParam}::boolean)`;
}

/**
 * NOTIFY coalescing for hot enqueuers (one process, many small transactions): every notifying
 * transaction takes PostgreSQL's global notify lock at commit, so 200 a second queue behind each
 * other. `inline()` says whether this transaction should notify (the first of each window);
 * `committed(notified)` after a commit that did not sends one trailing NOTIFY per window, after
 * that commit, so its task still wakes the workers within `windowMs`.
 */
export function workerWaker(pool: () => pg.Pool, windowMs = 20) {
  let last = 0;
  let trailing: NodeJS.Timeout | null = null;
  return {
    inline(): boolean {
      const now = Date.now();
      if (now - last < windowMs) return false;
      last = now;
      return true;
    },
    committed(notified: boolean): void {
      if (notified || trailing) return;
      trailing = setTimeout(() => {
        trailing = null;
        last = Date.now();
        pool().query(`SELECT pg_notify($1, '')`, [NOTIFY_CHANNEL]).catch(() => {}); // the poll timer is the fallback
      }, windowMs);
      trailing.unref?.();
    },
  };
}

/**
 * The process's one waker on the platform pool, shared by every enqueuer (the enqueue route, WhatsApp
 * ingest, reconciliation submissions): their notifications coalesce with each other, not only with
 * their own, since they all wake the same workers on the same channel.
 */
export const sharedWorkerWaker = () => processSingleton("fulfillment.workerWaker", () => workerWaker(pool));

/**
 * The counter shard of the connection running the statement. Two statements in flight at once are on
 * two connections, whose backend pids (handed out in sequence) rarely meet modulo 16, so completions
 * of different workers seldom wait on one counter row. A shard per worker id (hashtext & 7) put two of
 * four workers on one shard more often than not: row-lock waits in a 4-process run (docs/benchmarks.md).
 */
const COUNTER_SHARD = `(pg_backend_pid() & 15)`;

export interface ClaimedTask {
  id: bigint;
  taskType: string;
  payload: unknown;
  attempt: number;
  maxAttempts: number;
  orderItemId: string | null;
}

export interface Completion {
  id: bigint;
  durationMs: number;
}

/**
 * One statement that records a worker's successes and claims its next batch: a worker in full
 * flow makes one round trip and one commit per batch (halving the statements per task was worth a
 * quarter more throughput with four worker processes: docs/benchmarks.md).
 *
 * Completion: removes the tasks from the queue table (only those this worker still holds), writes
 * each one's success attempt row, which keeps the task's record (payload, order item, when it was
 * enqueued), and adds them to the minute's counter shard. A DELETE, not an UPDATE to 'succeeded': the
 * update wrote a second row version with new primary-key and finished-index entries, and that was
 * what kept four worker processes below graphile-worker (docs/benchmarks.md).
 *
 * Claim of up to `limit` tasks: first running tasks whose lease expired (their worker died; their
 * attempt is recorded as `lease_expired`), then due retries, then due pending tasks (lowest
 * priority value first, then oldest: fulfillment_tasks_pending_priority_idx) — each picked with FOR
 * UPDATE SKIP LOCKED on an index-ordered scan. Every branch has the constant LIMIT (rows locked but
 * not picked are released at statement end): a computed LIMIT makes the planner assume thousands of
 * rows and switch on JIT, which cost ~120 ms per claim. An expired task that already used all its
 * attempts is dead-lettered instead of run again (a poison task that kills workers must not loop
 * forever). The running attempt lives on the task row (attempts, lease owner, attempt_started_at);
 * its one attempt row is inserted when it ends (completion here, fail(), or expiry): one write per
 * attempt instead of an insert at claim and an update at the end.
 *
 * The updates find their rows by primary key (`= ANY(…)`): joined to their input, the planner hashed
 * the whole table or scanned every worker's running tasks instead. A statement must not update a
 * row twice, so the expired branch skips the tasks being completed (their lease may have run out
 * just now). Only rows picked from `expired` are still 'running' in the statement's snapshot.
 */
const COMPLETE_AND_CLAIM_SQL = `
WITH done AS (
  DELETE FROM fulfillment_tasks t
   WHERE t.id = ANY($4::bigint[]) AND t.lease_owner = $1 AND t.status = 'running'
   RETURNING t.id, t.attempts, t.task_type, t.attempt_started_at, t.created_at, t.payload, t.order_item_id
), timed AS (
  SELECT done.*, i.duration_ms FROM done JOIN unnest($4::bigint[], $5::int[]) AS i(id, duration_ms) USING (id)
), done_attempts AS (
  INSERT INTO fulfillment_attempts (task_id, attempt, task_type, worker_id, started_at, finished_at, outcome, duration_ms,
                                    task_created_at, payload, order_item_id)
  SELECT id, attempts, task_type, $1, coalesce(attempt_started_at, now()), now(), 'succeeded', duration_ms,
         created_at, payload, order_item_id FROM timed
), done_counted AS (
  INSERT INTO fulfillment_counters (bucket, task_type, outcome, shard, count, duration_ms)
  SELECT date_trunc('minute', now()), task_type, 'succeeded', ${COUNTER_SHARD}, count(*), sum(duration_ms) FROM timed GROUP BY task_type
  ON CONFLICT (bucket, task_type, outcome, shard)
  DO UPDATE SET count = fulfillment_counters.count + EXCLUDED.count, duration_ms = fulfillment_counters.duration_ms + EXCLUDED.duration_ms
), expired AS (
  SELECT id FROM fulfillment_tasks
   WHERE status = 'running' AND lease_expires_at < now() AND id <> ALL($4::bigint[])
   ORDER BY lease_expires_at
   LIMIT $2 FOR UPDATE SKIP LOCKED
), retry AS (
  SELECT id FROM fulfillment_tasks
   WHERE status = 'retry_scheduled' AND run_at <= now()
   ORDER BY run_at
   LIMIT $2 FOR UPDATE SKIP LOCKED
), fresh AS (
  SELECT id FROM fulfillment_tasks
   WHERE status = 'pending' AND run_at <= now()
   ORDER BY priority, run_at
   LIMIT $2 FOR UPDATE SKIP LOCKED
), picked AS (
  SELECT id, was_expired FROM (
    SELECT id, true AS was_expired, 0 AS pri FROM expired
    UNION ALL SELECT id, false, 1 FROM retry
    UNION ALL SELECT id, false, 2 FROM fresh
  ) u ORDER BY pri LIMIT $2
), closed AS (
  -- The expired attempt's row, from the task as it was before this statement (same snapshot).
  INSERT INTO fulfillment_attempts (task_id, attempt, task_type, worker_id, started_at, finished_at, lease_expires_at, outcome, duration_ms, error_class, error_message)
  SELECT t.id, t.attempts, t.task_type, coalesce(t.lease_owner, 'unknown'), coalesce(t.attempt_started_at, t.lease_expires_at), now(), t.lease_expires_at,
         'lease_expired', (extract(epoch FROM now() - coalesce(t.attempt_started_at, t.lease_expires_at)) * 1000)::int,
         'LeaseExpired', 'The worker stopped renewing its lease (crashed or lost the database).'
    FROM fulfillment_tasks t WHERE t.id = ANY(ARRAY(SELECT id FROM picked WHERE was_expired))
  RETURNING task_type
), counted AS (
  INSERT INTO fulfillment_counters (bucket, task_type, outcome, shard, count)
  SELECT date_trunc('minute', now()), task_type, 'lease_expired', ${COUNTER_SHARD}, count(*) FROM closed GROUP BY task_type
  ON CONFLICT (bucket, task_type, outcome, shard) DO UPDATE SET count = fulfillment_counters.count + EXCLUDED.count
), exhausted AS (
  UPDATE fulfillment_tasks t
     SET status = 'dead_lettered', lease_owner = NULL, lease_expires_at = NULL, updated_at = now(),
         dead_lettered_at = now(), finished_at = now(), last_error_class = 'LeaseExpired',
         last_error = 'Lease expired on the last allowed attempt: the task may be crashing its workers.',
         error_fingerprint = 'lease-expired'
   WHERE t.id = ANY(ARRAY(SELECT id FROM picked WHERE was_expired)) AND t.attempts >= t.max_attempts
   RETURNING t.id
), claimed AS (
  UPDATE fulfillment_tasks t
     SET status = 'running', attempts = t.attempts + 1, lease_owner = $1, attempt_started_at = now(),
         lease_expires_at = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
   WHERE t.id = ANY(ARRAY(SELECT id FROM picked)) AND NOT (t.status = 'running' AND t.attempts >= t.max_attempts)
   RETURNING t.id, t.task_type, t.payload, t.attempts, t.max_attempts, t.order_item_id
)
SELECT id, task_type, payload, attempts, max_attempts, order_item_id, NULL::bigint[] AS completed FROM claimed
UNION ALL -- the completed ids as one array: one row to parse instead of a row per task
SELECT NULL, NULL, NULL, NULL, NULL, NULL, array_agg(id) FROM done HAVING count(*) > 0`;

/**
 * Session settings of the connection a worker runs completeAndClaim on. PostgreSQL planned the
 * prepared statement afresh at every call (its custom plans looked cheaper than the generic one,
 * whose LIMIT $2 it cannot see): 1,016 plans for 1,012 calls, 5.5 µs per task, the whole gap to
 * graphile-worker with four processes (docs/benchmarks.md). A generic plan is made once per
 * connection and again after each ANALYZE of the tables. Sequential scans are off so that a plan
 * made while the queue was small or empty still uses the indexes when it is large.
 */
export const CLAIM_SESSION_SETTINGS = { plan_cache_mode: "force_generic_plan", enable_seqscan: "off" };

/**
 * Records `done` as succeeded and claims up to `limit` tasks, in one statement (limit 0: complete
 * only; no `done`: claim only). `completed` lists the successes the worker still held (the others
 * lost their lease to another worker); `claimed` is in id order.
 */
export async function completeAndClaim(
  client: Queryable,
  workerId: string,
  done: Completion[],
  limit: number,
  leaseMs: number,
): Promise<{ completed: bigint[]; claimed: ClaimedTask[] }> {
  const { rows } = await client.query<{ id: string | null; task_type: string; payload: unknown; attempts: number; max_attempts: number; order_item_id: string | null; completed: string[] | null }>({
    name: "fulfillment_complete_and_claim", // prepared once per connection: planning this statement cost as much as running it
    text: COMPLETE_AND_CLAIM_SQL,
    values: [workerId, limit, leaseMs, done.map((d) => d.id.toString()), done.map((d) => Math.max(0, Math.round(d.durationMs)))],
  });
  let completed: bigint[] = [];
  const claimed: ClaimedTask[] = [];
  for (const r of rows) {
    if (r.completed) completed = r.completed.map(BigInt);
    else claimed.push({ id: BigInt(r.id!), taskType: r.task_type, payload: r.payload, attempt: r.attempts, maxAttempts: r.max_attempts, orderItemId: r.order_item_id });
  }
  claimed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { completed, claimed };
}

/** Claims up to `limit` tasks (see completeAndClaim). */
export async function claim(client: Queryable, workerId: string, limit: number, leaseMs: number): Promise<ClaimedTask[]> {
  return (await completeAndClaim(client, workerId, [], limit, leaseMs)).claimed;
}

/** Records tasks as succeeded (only those this worker still holds); returns the ids it actually completed. */
export async function complete(client: Queryable, workerId: string, done: Completion[]): Promise<bigint[]> {
  if (done.length === 0) return [];
  return (await completeAndClaim(client, workerId, done, 0, 0)).completed;
}

/**
 * SQL for the status of the task whose id is the SQL expression `id`: its queue row's, else
 * 'succeeded' when its success attempt is recorded (a succeeded task leaves fulfillment_tasks), else
 * NULL (no such task). Two primary-key/index probes; for joins that show a task's status.
 */
export function taskStatusSql(id: string): string {
  return `coalesce((SELECT status::text FROM fulfillment_tasks WHERE id = ${id}),
    (SELECT 'succeeded' FROM fulfillment_attempts WHERE task_id = ${id} AND outcome = 'succeeded' LIMIT 1))`;
}

export interface FailureRecord {
  id: bigint;
  durationMs: number;
  /** true: dead-letter now; false: schedule a retry after backoffMs. */
  deadLetter: boolean;
  backoffMs: number;
  errorClass: string;
  message: string;
  stack: string | null;
  fingerprint: string;
}

/** Records a failed attempt: retry_scheduled (run_at = now + backoff) or dead_lettered. False if the lease was lost. */
export async function fail(client: Queryable, workerId: string, f: FailureRecord): Promise<boolean> {
  const { rowCount } = await client.query(
    `WITH t AS (
       UPDATE fulfillment_tasks
          SET status = CASE WHEN $3 THEN 'dead_lettered'::task_status ELSE 'retry_scheduled'::task_status END,
              run_at = CASE WHEN $3 THEN run_at ELSE now() + make_interval(secs => $4::double precision / 1000) END,
              dead_lettered_at = CASE WHEN $3 THEN now() ELSE NULL END,
              finished_at = CASE WHEN $3 THEN now() ELSE NULL END,
              last_error_class = $5, last_error = $6, error_fingerprint = $8,
              lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
        WHERE id = $2 AND lease_owner = $1 AND status = 'running'
        RETURNING id, attempts, task_type, attempt_started_at
     ), a AS (
       INSERT INTO fulfillment_attempts (task_id, attempt, task_type, worker_id, started_at, finished_at, outcome, duration_ms,
                                         error_class, error_message, error_stack, backoff_ms)
       SELECT id, attempts, task_type, $1, coalesce(attempt_started_at, now()), now(),
              CASE WHEN $3 THEN 'dead_lettered'::attempt_outcome ELSE 'failed'::attempt_outcome END, $9, $5, $6, $7,
              CASE WHEN $3 THEN NULL ELSE $4::int END
         FROM t
     ), c AS (
       INSERT INTO fulfillment_counters (bucket, task_type, outcome, shard, count, duration_ms)
       SELECT date_trunc('minute', now()), task_type, CASE WHEN $3 THEN 'dead_lettered' ELSE 'retried' END, ${COUNTER_SHARD}, 1, $9 FROM t
       ON CONFLICT (bucket, task_type, outcome, shard)
       DO UPDATE SET count = fulfillment_counters.count + 1, duration_ms = fulfillment_counters.duration_ms + EXCLUDED.duration_ms
     )
     SELECT id FROM t`,
    [
      workerId,
      f.id.toString(),
      f.deadLetter,
      Math.round(f.backoffMs),
      f.errorClass.slice(0, 200),
      f.message.slice(0, 4000),
      f.stack?.slice(0, 8000) ?? null,
      f.fingerprint,
      Math.max(0, Math.round(f.durationMs)),
    ],
  );
  return (rowCount ?? 0) > 0;
}

/** Extends the leases this worker still holds; returns how many it renewed. */
export async function renewLeases(client: Queryable, workerId: string, ids: bigint[], leaseMs: number): Promise<number> {
  if (ids.length === 0) return 0;
  const { rowCount } = await client.query(
    `UPDATE fulfillment_tasks SET lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
      WHERE id = ANY($2::bigint[]) AND lease_owner = $1 AND status = 'running'`,
    [workerId, ids.map(String), leaseMs],
  );
  return rowCount ?? 0;
}

/**
 * Milliseconds until the next task becomes claimable without a notification: a scheduled retry
 * or delayed task coming due, or a running task's lease running out (its worker may be dead).
 * 0 when one is due already (it may have come due since the last claim); null when nothing is
 * waiting. Three probes of the partial due and running-lease indexes.
 */
export async function nextDueInMs(client: Queryable): Promise<number | null> {
  const { rows } = await client.query<{ ms: number | null }>(
    `SELECT extract(epoch FROM least(
              (SELECT min(run_at) FROM fulfillment_tasks WHERE status = 'retry_scheduled'),
              (SELECT min(run_at) FROM fulfillment_tasks WHERE status = 'pending'),
              (SELECT min(lease_expires_at) FROM fulfillment_tasks WHERE status = 'running' AND lease_expires_at IS NOT NULL)
            ) - now()) * 1000 AS ms`,
  );
  const ms = rows[0]?.ms;
  return ms === null || ms === undefined ? null : Math.max(0, Number(ms));
}
