import "server-only";
// The fulfillment worker: claim a batch (FOR UPDATE SKIP LOCKED), run handlers with bounded
// concurrency, record every outcome, renew leases by heartbeat. Wakes on NOTIFY so the poll
// interval only bounds the worst case. Loop failures (database down) are counted, backed off and
// recovered from; stop() stops claiming and finishes what was claimed.
import os from "node:os";
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { logger } from "@/lib/platform/logger";
import { sessionPool } from "@/lib/platform/session-pool";
import { traceTask } from "@/lib/platform/telemetry";
import { backoffMs, errorClass, errorFingerprint, isNonRetryable, NonRetryableError } from "./errors";
import { CLAIM_SESSION_SETTINGS, completeAndClaim, fail, nextDueInMs, NOTIFY_CHANNEL, renewLeases, type ClaimedTask } from "./queue";
import { loopErrorsTotal, taskDuration, tasksProcessed } from "./metrics";

export type TaskHandler = (task: ClaimedTask) => Promise<void>;
export type HandlerRegistry = Record<string, TaskHandler>;

export interface WorkerOptions {
  pool: pg.Pool;
  workerId?: string;
  batchSize: number;
  pollIntervalMs: number;
  concurrency: number;
  leaseMs: number;
  /** Upper bound on attempts; a task's own max_attempts (set at enqueue) applies when lower. */
  maxAttempts: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  handlers?: HandlerRegistry;
  /**
   * A handler still running after this fails its attempt with a retryable TaskTimeoutError
   * (default 5 min). Without it a hung handler would keep its lease renewed forever.
   */
  taskTimeoutMs?: number;
  /** Injected in tests to pin the jitter. */
  random?: () => number;
  /** Extra settings shown on the worker row (e.g. where it runs). */
  settings?: Record<string, unknown>;
}

export interface WorkerStatus {
  id: string;
  state: "idle" | "running" | "draining" | "stopped";
  processed: number;
  succeeded: number;
  retried: number;
  deadLettered: number;
  lostLeases: number;
  loopErrors: number;
  lastLoopMs: number | null;
  listening: boolean;
}

export interface FulfillmentWorker {
  id: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): WorkerStatus;
}

const MAX_LOOP_BACKOFF_MS = 5_000;
const MIN_IDLE_MS = 50;
const LOOP_SAMPLES = 200;

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export class TaskTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskTimeoutError";
  }
}

/**
 * Task timeouts with one timer per worker instead of one per task (a timer per task, with its
 * promise race, was a measurable share of the worker's CPU at thousands of tasks a second). Every
 * task gets the same timeout, so deadlines expire in insertion order and a sweep stops at the
 * first live one. A hung handler is given up on within a quarter of the timeout (at most 1 s) after
 * its deadline; the timer runs only while tasks do.
 */
function deadlines(timeoutMs: number) {
  const live = new Map<number, { at: number; taskType: string; reject: (err: Error) => void }>();
  const sweepMs = Math.max(5, Math.min(1_000, Math.floor(timeoutMs / 4)));
  let next = 0;
  let timer: NodeJS.Timeout | null = null;
  const sweep = () => {
    const now = performance.now();
    for (const [key, d] of live) {
      if (d.at > now) break;
      live.delete(key);
      d.reject(new TaskTimeoutError(`Handler for ${d.taskType} did not finish within ${timeoutMs} ms`));
    }
    if (live.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
  return {
    /** `work`, or a TaskTimeoutError once it has run longer than the timeout. */
    race<T>(work: Promise<T>, taskType: string): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const key = next++;
        live.set(key, { at: performance.now() + timeoutMs, taskType, reject });
        if (!timer) {
          timer = setInterval(sweep, sweepMs);
          timer.unref();
        }
        work.then(
          (value) => {
            live.delete(key);
            resolve(value);
          },
          (err) => {
            live.delete(key);
            reject(err);
          },
        );
      });
    },
  };
}

export function defaultWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

export function createWorker(opts: WorkerOptions): FulfillmentWorker {
  const id = opts.workerId ?? defaultWorkerId();
  const handlers = opts.handlers ?? {};
  const baseMs = opts.backoffBaseMs ?? 1_000;
  const capMs = opts.backoffCapMs ?? 300_000;
  const heartbeatMs = Math.max(50, Math.floor(opts.leaseMs / 3));
  const taskTimeouts = deadlines(opts.taskTimeoutMs ?? 300_000);
  const log = logger.child({ component: "fulfillment-worker", workerId: id });
  // The worker's claims run one at a time, on a connection of their own that plans the statement
  // once (CLAIM_SESSION_SETTINGS); everything else uses the caller's pool.
  const claimPool = sessionPool(opts.pool, { max: 1, settings: CLAIM_SESSION_SETTINGS });

  const status: WorkerStatus = {
    id, state: "idle", processed: 0, succeeded: 0, retried: 0, deadLettered: 0, lostLeases: 0, loopErrors: 0, lastLoopMs: null, listening: false,
  };
  let stopping = false;
  let stopped: Promise<void> | null = null;
  let loopDone: Promise<void> | null = null;
  let heartbeatTimer: NodeJS.Timeout | null = null;
  let heartbeatRunning: Promise<void> | null = null;
  let listener: pg.PoolClient | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let detachListener: () => void = () => {};
  let unpersistedLoopErrors = 0;
  let lastLoopAt: Date | null = null;
  const loopSamples: number[] = [];
  // Tasks claimed and not yet recorded: their leases are renewed by the heartbeat.
  const held = new Set<bigint>();
  // Successes whose completion write failed (database blip): flushed before the next claim.
  let unflushed: { id: bigint; durationMs: number; taskType: string }[] = [];

  // --- waking: NOTIFY, the poll timer or stop() end an idle wait --------------------------------
  let wakeWaiter: (() => void) | null = null;
  let wokenEarly = false;
  const wake = () => {
    if (wakeWaiter) wakeWaiter();
    else wokenEarly = true;
  };
  const idle = (ms: number, interruptible = true) =>
    new Promise<void>((resolve) => {
      if (stopping || (interruptible && wokenEarly)) {
        wokenEarly = false;
        return resolve();
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeWaiter = null;
        wokenEarly = false;
        resolve();
      }
      // During a loop-error back-off only stop() may interrupt, not a flood of notifications.
      wakeWaiter = interruptible ? done : () => (stopping ? done() : undefined);
    });

  async function listen(): Promise<void> {
    reconnectTimer = null;
    if (stopping) return;
    let client: pg.PoolClient | null = null;
    try {
      client = await opts.pool.connect();
      if (stopping) {
        client.release(); // stop() ran while we were connecting
        return;
      }
      const c = client;
      const drop = (err?: Error) => {
        if (listener !== c) return;
        listener = null;
        status.listening = false;
        c.release(err ?? new Error("listener connection ended"));
        if (!stopping) {
          log.warn({ err }, "fulfillment LISTEN connection lost; reconnecting (polling meanwhile)");
          reconnectTimer = setTimeout(() => void listen(), 1_000);
        }
      };
      const onEnd = () => drop();
      c.on("notification", wake);
      c.on("error", drop);
      c.on("end", onEnd);
      detachListener = () => {
        c.removeListener("notification", wake);
        c.removeListener("error", drop);
        c.removeListener("end", onEnd);
      };
      listener = c;
      await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
      status.listening = true;
      wake(); // work may have arrived while we were not listening
    } catch (err) {
      status.listening = false;
      // If the connection's own error handler already dropped it, it has scheduled the retry.
      const handled = client !== null && listener !== client;
      if (client && listener === client) {
        listener = null;
        client.release(err as Error);
      }
      if (!handled && !stopping) reconnectTimer = setTimeout(() => void listen(), 1_000);
    }
  }

  // --- one task ------------------------------------------------------------------------------
  async function runOne(task: ClaimedTask, successes: { id: bigint; durationMs: number; taskType: string }[]): Promise<void> {
    const started = performance.now();
    try {
      const handler = handlers[task.taskType];
      if (!handler) throw new NonRetryableError(`No handler is registered for task type "${task.taskType}".`);
      await traceTask("fulfillment", task.taskType, () => taskTimeouts.race(handler(task), task.taskType));
      const durationMs = performance.now() - started;
      taskDuration.observe({ task_type: task.taskType }, durationMs / 1000);
      successes.push({ id: task.id, durationMs, taskType: task.taskType });
    } catch (err) {
      const durationMs = performance.now() - started;
      taskDuration.observe({ task_type: task.taskType }, durationMs / 1000);
      const deadLetter = isNonRetryable(err) || task.attempt >= Math.min(task.maxAttempts, opts.maxAttempts);
      const delay = deadLetter ? 0 : backoffMs(task.attempt, baseMs, capMs, opts.random);
      const e = err instanceof Error ? err : new Error(String(err));
      const recorded = await fail(opts.pool, id, {
        id: task.id,
        durationMs,
        deadLetter,
        backoffMs: delay,
        errorClass: errorClass(err),
        message: e.message || "(no message)",
        stack: e.stack ?? null,
        fingerprint: errorFingerprint(err),
      });
      held.delete(task.id);
      if (!recorded) {
        status.lostLeases++;
        log.warn({ taskId: String(task.id) }, "lease lost before the failure was recorded; another worker owns the task now");
        return;
      }
      status.processed++;
      const outcome = deadLetter ? "dead_lettered" : "retried";
      if (deadLetter) status.deadLettered++;
      else status.retried++;
      tasksProcessed.inc({ task_type: task.taskType, outcome });
      log.info({ taskId: String(task.id), taskType: task.taskType, attempt: task.attempt, outcome, backoffMs: delay, error: e.message }, "fulfillment task failed");
    }
  }

  /** Counts the outcome of successes handed to completeAndClaim(): `done` are those it recorded. */
  function recordCompletions(batch: typeof unflushed, done: Set<bigint>): void {
    const byType = new Map<string, number>(); // one counter increment per task type and batch
    for (const s of batch) {
      held.delete(s.id);
      if (done.has(s.id)) {
        status.processed++;
        status.succeeded++;
        byType.set(s.taskType, (byType.get(s.taskType) ?? 0) + 1);
      } else {
        status.lostLeases++;
      }
    }
    for (const [type, n] of byType) tasksProcessed.inc({ task_type: type, outcome: "succeeded" }, n);
    if (done.size < batch.length) log.warn({ lost: batch.length - done.size }, "some completions were refused: their leases had expired and other workers own them");
  }

  /**
   * Records the successes not yet written and claims up to `limit` tasks, in one statement. If it
   * fails (database blip) nothing was written or claimed, and the successes wait for the next try.
   */
  async function completeAndClaimBatch(limit: number): Promise<ClaimedTask[]> {
    const carried = unflushed;
    unflushed = [];
    try {
      const { completed, claimed } = await completeAndClaim(claimPool, id, carried, limit, opts.leaseMs);
      recordCompletions(carried, new Set(completed));
      for (const t of claimed) held.add(t.id);
      return claimed;
    } catch (err) {
      unflushed = carried.concat(unflushed);
      throw err;
    }
  }

  const flush = async (): Promise<void> => {
    if (unflushed.length > 0) await completeAndClaimBatch(0);
  };

  /** Runs a claimed batch (its leases are held); successes wait in `unflushed` for the next statement. */
  async function runBatch(tasks: ClaimedTask[]): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < tasks.length) await runOne(tasks[next++], unflushed);
    };
    const lanes = await Promise.allSettled(Array.from({ length: Math.min(opts.concurrency, tasks.length) }, lane));
    const failed = lanes.find((l) => l.status === "rejected");
    if (failed) {
      // A failure could not be recorded (database blip): stop renewing those leases so the tasks
      // are re-claimed after expiry instead of staying "running" forever.
      const pendingSuccess = new Set(unflushed.map((u) => u.id));
      for (const t of tasks) if (!pendingSuccess.has(t.id)) held.delete(t.id);
      throw (failed as PromiseRejectedResult).reason;
    }
  }

  // --- the loop ------------------------------------------------------------------------------
  // In full flow one batch is always claimed ahead: while batch N runs, batch N+1 is claimed, and
  // when N+1 starts, one statement records N's successes and claims N+2 (their leases are held, so
  // the heartbeat renews them). One round trip per batch, overlapping the handlers.
  let ahead: Promise<ClaimedTask[]> | null = null;
  const takeAhead = (): Promise<ClaimedTask[]> | null => {
    const p = ahead;
    ahead = null;
    return p;
  };

  async function loop(): Promise<void> {
    let streak = 0;
    while (!stopping) {
      const t0 = performance.now();
      try {
        const tasks = await (takeAhead() ?? completeAndClaimBatch(opts.batchSize));
        if (tasks.length === opts.batchSize && !stopping) {
          ahead = completeAndClaimBatch(opts.batchSize);
          ahead.catch(() => {}); // surfaces when awaited on the next turn
        }
        if (tasks.length > 0) await runBatch(tasks);
        // Without a batch claimed ahead, nothing will carry these successes: write them now.
        if (!ahead) await flush();
        const ms = performance.now() - t0;
        status.lastLoopMs = Math.round(ms * 100) / 100;
        lastLoopAt = new Date();
        loopSamples.push(ms);
        if (loopSamples.length > LOOP_SAMPLES) loopSamples.shift();
        if (streak > 0) log.info({ afterErrors: streak }, "fulfillment worker loop recovered");
        streak = 0;
        // A full batch means more is probably waiting: go again without sleeping. Otherwise sleep
        // until a NOTIFY, the next retry/delayed task or lease expiry is due, or the poll interval.
        if (tasks.length < opts.batchSize) {
          // At least MIN_IDLE_MS: a due task we could not claim is locked by someone else's
          // transaction; do not spin on it.
          const due = await nextDueInMs(opts.pool);
          await idle(due === null ? opts.pollIntervalMs : Math.min(opts.pollIntervalMs, Math.max(MIN_IDLE_MS, due + 5)));
        }
      } catch (err) {
        streak++;
        status.loopErrors++;
        unpersistedLoopErrors++;
        loopErrorsTotal.inc();
        const wait = Math.min(MAX_LOOP_BACKOFF_MS, opts.pollIntervalMs, 100 * 2 ** Math.min(streak, 10));
        log.error({ err, streak, retryInMs: wait }, "fulfillment worker loop failed (database unreachable?); backing off");
        await idle(wait, false);
      }
    }
    // Stopping: a batch claimed ahead is run, not abandoned to lease expiry, and every success is written.
    const claimedAhead = await takeAhead()?.catch((err) => {
      log.warn({ err }, "the batch claimed ahead could not be read; its tasks are reclaimed after lease expiry");
      return [];
    });
    try {
      if (claimedAhead?.length) await runBatch(claimedAhead);
      await flush();
    } catch (err) {
      log.error({ err }, "could not finish the batch claimed ahead while stopping");
    }
  }

  // --- heartbeat: renew leases, upsert the worker row (with loop errors counted while down) ------
  async function heartbeat(state: "running" | "draining" | "stopped"): Promise<void> {
    const ids = [...held];
    if (ids.length) await renewLeases(opts.pool, id, ids, opts.leaseMs);
    const sorted = [...loopSamples].sort((a, b) => a - b);
    const delta = unpersistedLoopErrors;
    const settings = {
      batchSize: opts.batchSize, pollIntervalMs: opts.pollIntervalMs, concurrency: opts.concurrency, leaseMs: opts.leaseMs,
      maxAttempts: opts.maxAttempts, backoffBaseMs: baseMs, backoffCapMs: capMs, ...opts.settings,
      timing: { loopP50Ms: percentile(sorted, 0.5), loopP95Ms: percentile(sorted, 0.95) },
    };
    await opts.pool.query(
      `INSERT INTO fulfillment_workers (id, hostname, pid, state, settings, loop_errors, last_loop_at, last_loop_ms, heartbeat_at, stopped_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), CASE WHEN $4 = 'stopped' THEN now() END)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), state = EXCLUDED.state, settings = EXCLUDED.settings,
         loop_errors = fulfillment_workers.loop_errors + EXCLUDED.loop_errors,
         last_loop_at = coalesce(EXCLUDED.last_loop_at, fulfillment_workers.last_loop_at),
         last_loop_ms = coalesce(EXCLUDED.last_loop_ms, fulfillment_workers.last_loop_ms),
         stopped_at = EXCLUDED.stopped_at`,
      [id, os.hostname(), process.pid, state, JSON.stringify(settings), delta, lastLoopAt, status.lastLoopMs === null ? null : Math.round(status.lastLoopMs)],
    );
    unpersistedLoopErrors -= delta;
  }

  function beat(): void {
    if (heartbeatRunning) return;
    heartbeatRunning = heartbeat(stopping ? "draining" : "running")
      .catch((err) => log.warn({ err }, "fulfillment heartbeat failed; leases will lapse if the database stays unreachable"))
      .finally(() => (heartbeatRunning = null));
  }

  return {
    id,
    status: () => ({ ...status }),
    async start() {
      if (loopDone) return;
      status.state = "running";
      await heartbeat("running").catch((err) => log.warn({ err }, "could not register the worker row yet; will retry on the next heartbeat"));
      heartbeatTimer = setInterval(beat, heartbeatMs);
      // Not awaited: if the database is slow to accept a connection, polling starts regardless.
      void listen();
      loopDone = loop();
    },
    stop() {
      // Every caller (signal handlers, exit hooks, tests) waits for the same complete shutdown.
      stopped ??= shutdown();
      return stopped;
    },
  };

  async function shutdown(): Promise<void> {
    stopping = true;
    status.state = "draining";
    beat();
    wake();
    await loopDone;
    if (heartbeatTimer) clearInterval(heartbeatTimer);
    if (reconnectTimer) clearTimeout(reconnectTimer);
    await heartbeatRunning;
    if (listener) {
      const c = listener;
      listener = null;
      status.listening = false;
      await c.query(`UNLISTEN ${NOTIFY_CHANNEL}`).catch(() => {});
      detachListener();
      c.release();
    }
    status.state = "stopped";
    await heartbeat("stopped").catch((err) => log.warn({ err }, "could not mark the worker row stopped"));
    await claimPool.end().catch(() => {});
  }
}
