// A named circuit breaker whose state lives in PostgreSQL (store.ts), shared by every process.
//
// Hot path: a closed breaker costs no database round trip. Each process keeps the last state it
// read per breaker and re-reads it in the background once it is older than the cache TTL
// (OPSDECK_BREAKER_CACHE_MS, default 1000 ms); every transition NOTIFies "opsdeck_breakers" and a
// LISTENing connection per pool drops the cached state at once, so the next call waits for a fresh
// read. Bound: a process sees a transition made elsewhere as soon as the notification arrives
// (milliseconds); if its LISTEN connection is down, within the TTL plus one read.
// Only counted failures while closed, and everything while open/half-open, go to the database.
//
// cockatiel (3.x, the last major for Node 20) bounds each call with its Aggressive timeout policy:
// a call that hangs counts as a failure and cannot hold a half-open probe forever. Its
// CircuitBreakerPolicy is not used for the state: it keeps state in the process (see
// docs/decisions.md, "Circuit breakers").
import type pg from "pg";
import { TimeoutStrategy, timeout } from "cockatiel";
import { processSingleton } from "../global";
import { logger } from "../logger";
import {
  enterHalfOpen,
  ensureRow,
  probeFailed,
  probeSucceeded,
  readRow,
  recordFailure,
  reopenLostProbe,
  takeProbe,
  type BreakerSettings,
  type BreakerSnapshot,
  type Change,
  type Transition,
} from "./store";

const CHANNEL = "opsdeck_breakers";

/** Thrown instead of making the call while the breaker is open (or half-open with no probe left). */
export class CircuitOpenError extends Error {
  readonly breaker: string;
  readonly nextProbeAt: Date | null;
  readonly forced: boolean;
  constructor(s: Pick<BreakerSnapshot, "name" | "nextProbeAt" | "forced" | "state">) {
    const why = s.forced
      ? "held open by an operator until someone resets it"
      : s.state === "half_open"
        ? "half-open and its probe calls are already taken"
        : `open until ${s.nextProbeAt?.toISOString() ?? "its next probe"}`;
    super(`Circuit breaker "${s.name}" is ${why}; the call was not made.`);
    this.name = "CircuitOpenError";
    this.breaker = s.name;
    this.nextProbeAt = s.nextProbeAt;
    this.forced = s.forced;
  }
}

export interface BreakerOptions {
  /** Upper bound of one call; a call that takes longer fails (and counts). Default 10 s. */
  callTimeoutMs?: number;
  /** Which errors count as the dependency failing (default: all). Others pass through uncounted. */
  isFailure?: (err: unknown) => boolean;
  /** How long a cached state is used before a background re-read. Default OPSDECK_BREAKER_CACHE_MS or 1000. */
  cacheTtlMs?: number;
  /** LISTEN for transitions (default true). Without it, staleness is bounded by the TTL alone. */
  listen?: boolean;
}

export interface SharedBreaker {
  readonly name: string;
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** The current shared state, read from the database. */
  state(): Promise<BreakerSnapshot>;
}

// --- transition listeners (metrics, logs) ------------------------------------------------------

type TransitionListener = (t: Transition) => void;
const transitionListeners = processSingleton("breakerTransitionListeners", () => new Map<string, TransitionListener>());

/** Called for every transition this process makes (not ones seen from other processes). `key` replaces an earlier listener with the same key. */
export function onBreakerTransition(key: string, listener: TransitionListener): void {
  transitionListeners.set(key, listener);
}

export function emitTransition(t: Transition): void {
  logger.info({ breaker: t.breaker, from: t.from, to: t.to, cause: t.cause, detail: t.detail, actor: t.actor ?? undefined }, "circuit breaker transition");
  for (const l of transitionListeners.values()) {
    try {
      l(t);
    } catch (err) {
      logger.warn({ err, breaker: t.breaker }, "circuit breaker transition listener failed");
    }
  }
}

// --- per-pool cache and LISTEN connection -----------------------------------------------------

interface Cached {
  snap: BreakerSnapshot;
  fetchedAt: number;
  refreshing: Promise<BreakerSnapshot> | null;
}

interface PoolCache {
  entries: Map<string, Cached>;
  listener: pg.PoolClient | null;
  connecting: boolean;
  listening: boolean;
  stopped: boolean;
  retry: NodeJS.Timeout | null;
}

const caches = processSingleton("breakerCaches", () => new WeakMap<pg.Pool, PoolCache>());

function poolCache(pool: pg.Pool): PoolCache {
  let c = caches.get(pool);
  if (!c) {
    c = { entries: new Map(), listener: null, connecting: false, listening: false, stopped: false, retry: null };
    caches.set(pool, c);
  }
  return c;
}

function invalidate(c: PoolCache, name?: string): void {
  for (const [n, e] of c.entries) if (name === undefined || n === name) e.fetchedAt = 0;
}

async function startListening(pool: pg.Pool, c: PoolCache): Promise<void> {
  if (c.listener || c.connecting || c.stopped) return;
  c.retry = null;
  c.connecting = true;
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch {
    c.retry = setTimeout(() => void startListening(pool, c), 1_000);
    c.retry.unref();
    return;
  } finally {
    c.connecting = false;
  }
  if (c.stopped) return client.release();
  c.listener = client;
  const drop = (err?: Error) => {
    if (c.listener !== client) return;
    c.listener = null;
    c.listening = false;
    client.removeAllListeners("notification");
    client.release(err ?? new Error("breaker LISTEN connection ended"));
    if (!c.stopped) {
      logger.warn({ err }, "circuit breaker LISTEN connection lost; reconnecting (cached states expire by TTL meanwhile)");
      c.retry = setTimeout(() => void startListening(pool, c), 1_000);
      c.retry.unref();
    }
  };
  client.on("notification", (msg) => {
    if (msg.channel === CHANNEL) invalidate(c, msg.payload);
  });
  client.on("error", drop);
  client.on("end", () => drop());
  try {
    await client.query(`LISTEN ${CHANNEL}`);
    c.listening = true;
    invalidate(c); // transitions may have happened while we were not listening
  } catch (err) {
    drop(err as Error);
  }
}

/** Releases the pool's LISTEN connection (tests, benches and shutdown: pool.end() waits for it). */
export async function stopBreakerListener(pool: pg.Pool): Promise<void> {
  const c = caches.get(pool);
  if (!c) return;
  c.stopped = true;
  if (c.retry) clearTimeout(c.retry);
  const client = c.listener;
  c.listener = null;
  c.listening = false;
  if (client) {
    client.removeAllListeners("notification");
    await client.query(`UNLISTEN ${CHANNEL}`).catch(() => {});
    client.release();
  }
}

// --- the breaker ------------------------------------------------------------------------------

function validate(name: string, s: BreakerSettings): void {
  const bad = (what: string) => {
    throw new Error(`Circuit breaker "${name}": ${what}`);
  };
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(name)) bad("names are 1-100 letters, digits and _ . : -");
  if (!Number.isInteger(s.failureThreshold) || s.failureThreshold < 1) bad(`failureThreshold must be an integer ≥ 1 (got ${s.failureThreshold})`);
  if (!Number.isInteger(s.halfOpenProbeCount) || s.halfOpenProbeCount < 1) bad(`halfOpenProbeCount must be an integer ≥ 1 (got ${s.halfOpenProbeCount})`);
  if (!(s.openCooldownSeconds > 0)) bad(`openCooldownSeconds must be > 0 (got ${s.openCooldownSeconds})`);
  if (!(s.failureWindowSeconds > 0)) bad(`failureWindowSeconds must be > 0 (got ${s.failureWindowSeconds})`);
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return `${e?.name ?? "Error"}: ${e?.message ?? String(err)}`.slice(0, 300);
}

const defaultTtl = () => Number(process.env.OPSDECK_BREAKER_CACHE_MS ?? 1000);

/** One named breaker whose state lives in PostgreSQL, shared by every process. */
export function sharedBreaker(pool: pg.Pool, name: string, settings: BreakerSettings, options: BreakerOptions = {}): SharedBreaker {
  validate(name, settings);
  const ttl = options.cacheTtlMs ?? defaultTtl();
  const callTimeoutMs = options.callTimeoutMs ?? 10_000;
  const isFailure = options.isFailure ?? (() => true);
  // A probe not reported within its call's timeout (plus slack) belongs to a process that died.
  const probeLeaseSeconds = callTimeoutMs / 1000 + 5;
  const timeoutPolicy = timeout(callTimeoutMs, TimeoutStrategy.Aggressive);
  const c = poolCache(pool);
  let ready: Promise<void> | null = null;

  const remember = (snap: BreakerSnapshot): BreakerSnapshot => {
    const e = c.entries.get(name);
    if (e) {
      e.snap = snap;
      e.fetchedAt = Date.now();
    } else c.entries.set(name, { snap, fetchedAt: Date.now(), refreshing: null });
    return snap;
  };

  const apply = (ch: Change): BreakerSnapshot | null => {
    if (ch.transition) emitTransition(ch.transition);
    return ch.snapshot ? remember(ch.snapshot) : null;
  };

  const ensure = (): Promise<void> => {
    ready ??= ensureRow(pool, name, settings).then(
      (snap) => void remember(snap),
      (err) => {
        ready = null;
        throw err;
      },
    );
    if (options.listen !== false && !c.listener && !c.connecting && !c.stopped && !c.retry) void startListening(pool, c);
    return ready;
  };

  const refresh = (e: Cached | undefined): Promise<BreakerSnapshot> => {
    if (e?.refreshing) return e.refreshing;
    const p = readRow(pool, name)
      .then(async (snap) => remember(snap ?? (await ensureRow(pool, name, settings))))
      .catch((err) => {
        if (!e) throw err;
        // Keep the last known state rather than fail every call while the database is unreachable.
        logger.warn({ err, breaker: name }, "circuit breaker state could not be re-read; using the last known state");
        return e.snap;
      })
      .finally(() => {
        const cur = c.entries.get(name);
        if (cur) cur.refreshing = null;
      });
    if (e) e.refreshing = p;
    return p;
  };

  /** The cached state; stale-while-revalidate up to 10 TTLs, then (or after a NOTIFY) a fresh read. */
  const current = async (): Promise<BreakerSnapshot> => {
    await ensure();
    const e = c.entries.get(name);
    const age = e ? Date.now() - e.fetchedAt : Infinity;
    if (e && age < ttl) return e.snap;
    if (e && age < 10 * ttl) {
      void refresh(e);
      return e.snap;
    }
    return refresh(e);
  };

  const run = <T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> => timeoutPolicy.execute(({ signal }) => fn(signal));

  /** Open/half-open: try to become (or take) a probe; null when this call must not run. */
  const acquireProbe = async (s: BreakerSnapshot): Promise<BreakerSnapshot | null> => {
    if (s.state === "open") {
      const entered = apply(await enterHalfOpen(pool, name));
      if (entered) return entered;
    }
    const taken = await takeProbe(pool, name);
    if (taken) return remember(taken);
    apply(await reopenLostProbe(pool, name, probeLeaseSeconds));
    return null;
  };

  const report = (outcome: Promise<Change>) =>
    outcome.then(apply).catch((e) => logger.warn({ err: e, breaker: name }, "circuit breaker probe outcome could not be recorded"));

  /** A probe's outcome counts only in the half-open episode (epoch) it was taken in. */
  const runProbe = async <T>(fn: (signal: AbortSignal) => Promise<T>, epoch: string): Promise<T> => {
    let result: T;
    try {
      result = await run(fn);
    } catch (err) {
      await report(isFailure(err) ? probeFailed(pool, name, epoch, describe(err)) : probeSucceeded(pool, name, epoch));
      throw err;
    }
    await report(probeSucceeded(pool, name, epoch));
    return result;
  };

  return {
    name,
    async state() {
      await ensure();
      return refresh(undefined);
    },
    async execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
      let s = await current();
      if (s.state !== "closed") {
        if (s.forced || (s.state === "open" && s.nextProbeAt && Date.now() < s.nextProbeAt.getTime())) throw new CircuitOpenError(s);
        // Half-open with every probe out (and recently taken): wait for their outcome's NOTIFY.
        if (s.state === "half_open" && s.probesLeft === 0 && Date.now() - s.updatedAt.getTime() < probeLeaseSeconds * 1000) throw new CircuitOpenError(s);
        const probe = await acquireProbe(s);
        if (probe) return runProbe(fn, probe.epoch);
        s = remember((await readRow(pool, name)) ?? s);
        if (s.state !== "closed") throw new CircuitOpenError(s); // closed meanwhile: call normally
      }
      try {
        return await run(fn);
      } catch (err) {
        if (isFailure(err)) {
          // Recording must not replace the call's own error; a lost count is logged, not thrown.
          await recordFailure(pool, name, describe(err))
            .then(apply)
            .catch((e) => logger.warn({ err: e, breaker: name }, "circuit breaker failure could not be recorded"));
        }
        throw err;
      }
    },
  };
}
