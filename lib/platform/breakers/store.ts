// The SQL of the shared breakers. Every change is one conditional UPDATE on the breaker's row (the
// WHERE names the state it leaves), so of two processes racing for the same change exactly one gets
// a row back; the transition row is inserted by the same statement (a data-modifying CTE) and its
// insert trigger NOTIFies "opsdeck_breakers". All times are the database's now(), one clock for
// every process. No `server-only`: the concurrency tests and the bench run this in plain Node.
import type pg from "pg";

export type BreakerState = "closed" | "open" | "half_open";

export type TransitionCause =
  | "failure_threshold"
  | "cooldown_elapsed"
  | "probe_succeeded"
  | "probe_failed"
  | "probe_lost"
  | "forced_open"
  | "reset";

export interface BreakerSettings {
  /** Failures within failureWindowSeconds that open a closed breaker (seed: failure_threshold). */
  failureThreshold: number;
  /** How long an open breaker refuses calls before it lets probes through (seed: open_cooldown_seconds). */
  openCooldownSeconds: number;
  /** Trial calls let through when half-open; all must succeed to close (seed: half_open_probe_count). */
  halfOpenProbeCount: number;
  /** The window failures are counted in; it starts at the first failure after the previous one expired. */
  failureWindowSeconds: number;
}

export interface BreakerSnapshot {
  name: string;
  state: BreakerState;
  /** Held open by an operator (force-open) until a reset; no probes meanwhile. */
  forced: boolean;
  failuresInWindow: number;
  failureThreshold: number;
  openCooldownSeconds: number;
  halfOpenProbeCount: number;
  failureWindowSeconds: number;
  openedAt: Date | null;
  nextProbeAt: Date | null;
  probesLeft: number;
  probesPassed: number;
  lastFailure: string | null;
  updatedAt: Date;
  /** Increases at every transition: a probe's outcome only counts in the episode it was taken in. */
  epoch: string;
}

export interface Transition {
  id: string;
  breaker: string;
  from: BreakerState;
  to: BreakerState;
  cause: TransitionCause;
  detail: string | null;
  actor: string | null;
  reason: string | null;
  at: Date;
}

/** A client that can run one statement: a pool, a pool client, or a Prisma transaction adapter. */
export type Queryable = Pick<pg.Pool, "query">;

const IN_WINDOW = `window_started_at >= now() - make_interval(secs => failure_window_seconds)`;

/** The snapshot's columns; an expired failure window reads as zero failures. */
export const SNAPSHOT_COLUMNS = `name, state, forced, epoch::text AS epoch,
  CASE WHEN state = 'closed' AND NOT coalesce(${IN_WINDOW}, false) THEN 0 ELSE failures_in_window END AS failures_in_window,
  failure_threshold, open_cooldown_seconds, half_open_probe_count, failure_window_seconds,
  opened_at, next_probe_at, probes_left, probes_passed, last_failure, updated_at`;

export interface SnapshotRow {
  name: string;
  state: BreakerState;
  forced: boolean;
  epoch: string;
  failures_in_window: number;
  failure_threshold: number;
  open_cooldown_seconds: number;
  half_open_probe_count: number;
  failure_window_seconds: number;
  opened_at: Date | null;
  next_probe_at: Date | null;
  probes_left: number;
  probes_passed: number;
  last_failure: string | null;
  updated_at: Date;
}

export function toSnapshot(r: SnapshotRow): BreakerSnapshot {
  return {
    name: r.name,
    state: r.state,
    forced: r.forced,
    epoch: String(r.epoch),
    failuresInWindow: Number(r.failures_in_window),
    failureThreshold: Number(r.failure_threshold),
    openCooldownSeconds: Number(r.open_cooldown_seconds),
    halfOpenProbeCount: Number(r.half_open_probe_count),
    failureWindowSeconds: Number(r.failure_window_seconds),
    openedAt: r.opened_at,
    nextProbeAt: r.next_probe_at,
    probesLeft: Number(r.probes_left),
    probesPassed: Number(r.probes_passed),
    lastFailure: r.last_failure,
    updatedAt: r.updated_at,
  };
}

interface TransitionRow {
  id: string;
  breaker: string;
  from_state: BreakerState;
  to_state: BreakerState;
  cause: TransitionCause;
  detail: string | null;
  actor: string | null;
  reason: string | null;
  at: Date;
}

export function toTransition(r: TransitionRow): Transition {
  return { id: String(r.id), breaker: r.breaker, from: r.from_state, to: r.to_state, cause: r.cause, detail: r.detail, actor: r.actor, reason: r.reason, at: r.at };
}

export const TRANSITION_COLUMNS = `id::text AS id, breaker, from_state, to_state, cause, detail, actor, reason, at`;

/** One statement's result: the row after the change (null: the condition did not hold) and its transition. */
export interface Change {
  snapshot: BreakerSnapshot | null;
  transition: Transition | null;
}

/**
 * Runs `UPDATE circuit_breakers SET <set> WHERE name = $1 AND <where>` and, when the updated row
 * satisfies `transitionIf`, inserts the transition from→to with its cause and detail (SQL over b.*).
 */
async function change(
  db: Queryable,
  name: string,
  params: unknown[],
  sql: { set: string; where: string; from: BreakerState; to: BreakerState; cause: TransitionCause; transitionIf?: string; detail: string },
): Promise<Change> {
  const { rows } = await db.query(
    `WITH b AS (
       UPDATE circuit_breakers SET ${sql.set}, updated_at = now()
        WHERE name = $1 AND ${sql.where}
        RETURNING ${SNAPSHOT_COLUMNS}
     ), t AS (
       INSERT INTO circuit_breaker_transitions (breaker, from_state, to_state, cause, detail)
       SELECT b.name, '${sql.from}', '${sql.to}', '${sql.cause}', ${sql.detail} FROM b WHERE ${sql.transitionIf ?? "true"}
       RETURNING ${TRANSITION_COLUMNS}
     )
     SELECT row_to_json(b.*) AS b, (SELECT row_to_json(t.*) FROM t) AS t FROM b`,
    [name, ...params],
  );
  return parseChange(rows);
}

/** The `SELECT row_to_json(b), row_to_json(t)` of a change; row_to_json gives timestamps as strings. */
function parseChange(rows: unknown[]): Change {
  const row = rows[0] as { b: Record<string, unknown>; t: (TransitionRow & { at: string }) | null } | undefined;
  if (!row) return { snapshot: null, transition: null };
  const date = (v: unknown) => (v == null ? null : new Date(String(v)));
  const b = row.b;
  return {
    snapshot: toSnapshot({ ...(b as unknown as SnapshotRow), opened_at: date(b.opened_at), next_probe_at: date(b.next_probe_at), updated_at: date(b.updated_at)! }),
    transition: row.t ? toTransition({ ...row.t, at: new Date(row.t.at) }) : null,
  };
}

/** Creates the row, or brings its settings up to date (the latest configuration wins). */
export async function ensureRow(db: Queryable, name: string, s: BreakerSettings): Promise<BreakerSnapshot> {
  await db.query(
    `INSERT INTO circuit_breakers (name, failure_threshold, open_cooldown_seconds, half_open_probe_count, failure_window_seconds)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (name) DO UPDATE SET failure_threshold = EXCLUDED.failure_threshold, open_cooldown_seconds = EXCLUDED.open_cooldown_seconds,
       half_open_probe_count = EXCLUDED.half_open_probe_count, failure_window_seconds = EXCLUDED.failure_window_seconds, updated_at = now()
     WHERE (circuit_breakers.failure_threshold, circuit_breakers.open_cooldown_seconds, circuit_breakers.half_open_probe_count, circuit_breakers.failure_window_seconds)
       IS DISTINCT FROM (EXCLUDED.failure_threshold, EXCLUDED.open_cooldown_seconds, EXCLUDED.half_open_probe_count, EXCLUDED.failure_window_seconds)`,
    [name, s.failureThreshold, s.openCooldownSeconds, s.halfOpenProbeCount, s.failureWindowSeconds],
  );
  const snap = await readRow(db, name);
  if (!snap) throw new Error(`circuit breaker "${name}" vanished right after it was created`);
  return snap;
}

/** Creates the rows that do not exist yet with `s`; existing rows (and their settings) are left alone. */
export async function ensureRowsExist(db: Queryable, names: string[], s: BreakerSettings): Promise<void> {
  await db.query(
    `INSERT INTO circuit_breakers (name, failure_threshold, open_cooldown_seconds, half_open_probe_count, failure_window_seconds)
     SELECT n, $2, $3, $4, $5 FROM unnest($1::text[]) AS n ON CONFLICT (name) DO NOTHING`,
    [names, s.failureThreshold, s.openCooldownSeconds, s.halfOpenProbeCount, s.failureWindowSeconds],
  );
}

export async function readRow(db: Queryable, name: string): Promise<BreakerSnapshot | null> {
  const { rows } = await db.query<SnapshotRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM circuit_breakers WHERE name = $1`, [name]);
  return rows[0] ? toSnapshot(rows[0]) : null;
}

export async function readRows(db: Queryable, names?: string[]): Promise<BreakerSnapshot[]> {
  const { rows } = names
    ? await db.query<SnapshotRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM circuit_breakers WHERE name = ANY($1::text[]) ORDER BY name`, [names])
    : await db.query<SnapshotRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM circuit_breakers ORDER BY name`);
  return rows.map(toSnapshot);
}

export async function readTransitions(db: Queryable, name: string, since: Date, limit = 1000): Promise<Transition[]> {
  const { rows } = await db.query<TransitionRow>(
    `SELECT ${TRANSITION_COLUMNS} FROM circuit_breaker_transitions WHERE breaker = $1 AND at >= $2 ORDER BY at DESC, id DESC LIMIT $3`,
    [name, since, limit],
  );
  return rows.map(toTransition);
}

const NEXT_COUNT = `(CASE WHEN ${IN_WINDOW} THEN failures_in_window + 1 ELSE 1 END)`;
const TRIPS = `${NEXT_COUNT} >= failure_threshold`;
const OPEN_NOW = `opened_at = now(), next_probe_at = now() + make_interval(secs => open_cooldown_seconds), probes_left = 0, probes_passed = 0, epoch = epoch + 1`;

/** A counted failure while closed; opens the breaker when it reaches the threshold in the window. */
export function recordFailure(db: Queryable, name: string, error: string): Promise<Change> {
  return change(db, name, [error], {
    set: `failures_in_window = ${NEXT_COUNT},
          window_started_at = CASE WHEN ${IN_WINDOW} THEN window_started_at ELSE now() END,
          state = CASE WHEN ${TRIPS} THEN 'open' ELSE state END,
          opened_at = CASE WHEN ${TRIPS} THEN now() ELSE opened_at END,
          next_probe_at = CASE WHEN ${TRIPS} THEN now() + make_interval(secs => open_cooldown_seconds) ELSE next_probe_at END,
          epoch = CASE WHEN ${TRIPS} THEN epoch + 1 ELSE epoch END,
          last_failure = $2`,
    where: `state = 'closed'`,
    from: "closed",
    to: "open",
    cause: "failure_threshold",
    transitionIf: `b.state = 'open'`,
    detail: `b.failures_in_window || ' failure(s) within ' || b.failure_window_seconds || ' s (threshold ' || b.failure_threshold || '); last: ' || $2`,
  });
}

/** Open → half-open once the cooldown has passed; the caller takes the first probe. */
export function enterHalfOpen(db: Queryable, name: string): Promise<Change> {
  return change(db, name, [], {
    set: `state = 'half_open', probes_left = half_open_probe_count - 1, probes_passed = 0, probe_taken_at = now(), epoch = epoch + 1`,
    where: `state = 'open' AND NOT forced AND next_probe_at <= now()`,
    from: "open",
    to: "half_open",
    cause: "cooldown_elapsed",
    detail: `'cooldown of ' || b.open_cooldown_seconds || ' s elapsed; ' || b.half_open_probe_count || ' probe(s) allowed'`,
  });
}

/** Takes one of the remaining half-open probes; null when none is left (another process took it). */
export async function takeProbe(db: Queryable, name: string): Promise<BreakerSnapshot | null> {
  const { rows } = await db.query<SnapshotRow>(
    `UPDATE circuit_breakers SET probes_left = probes_left - 1, probe_taken_at = now(), updated_at = now()
      WHERE name = $1 AND state = 'half_open' AND probes_left > 0 RETURNING ${SNAPSHOT_COLUMNS}`,
    [name],
  );
  return rows[0] ? toSnapshot(rows[0]) : null;
}

/**
 * A half-open breaker whose probes were all taken but whose last probe has not reported within
 * `leaseSeconds` (its process died mid-call) reopens with a due probe time, so it cannot stay stuck.
 */
export function reopenLostProbe(db: Queryable, name: string, leaseSeconds: number): Promise<Change> {
  return change(db, name, [leaseSeconds], {
    set: `state = 'open', opened_at = now(), next_probe_at = now(), probes_left = 0, probes_passed = 0, epoch = epoch + 1`,
    where: `state = 'half_open' AND probes_left = 0 AND probe_taken_at < now() - make_interval(secs => $2::float8)`,
    from: "half_open",
    to: "open",
    cause: "probe_lost",
    detail: `'no probe result within ' || $2::float8 || ' s; probing again'`,
  });
}

/** A probe succeeded; the last of the episode's probes closes the breaker. */
export function probeSucceeded(db: Queryable, name: string, epoch: string): Promise<Change> {
  const closes = `probes_passed + 1 >= half_open_probe_count`;
  return change(db, name, [epoch], {
    set: `probes_passed = probes_passed + 1,
          state = CASE WHEN ${closes} THEN 'closed' ELSE state END,
          failures_in_window = CASE WHEN ${closes} THEN 0 ELSE failures_in_window END,
          window_started_at = CASE WHEN ${closes} THEN NULL ELSE window_started_at END,
          opened_at = CASE WHEN ${closes} THEN NULL ELSE opened_at END,
          next_probe_at = CASE WHEN ${closes} THEN NULL ELSE next_probe_at END,
          probes_left = CASE WHEN ${closes} THEN 0 ELSE probes_left END,
          epoch = CASE WHEN ${closes} THEN epoch + 1 ELSE epoch END`,
    where: `state = 'half_open' AND epoch = $2::bigint`,
    from: "half_open",
    to: "closed",
    cause: "probe_succeeded",
    transitionIf: `b.state = 'closed'`,
    detail: `b.probes_passed || ' of ' || b.half_open_probe_count || ' probe(s) succeeded'`,
  });
}

/** A probe failed: back to open for another cooldown. */
export function probeFailed(db: Queryable, name: string, epoch: string, error: string): Promise<Change> {
  return change(db, name, [epoch, error], {
    set: `state = 'open', ${OPEN_NOW}, last_failure = $3`,
    where: `state = 'half_open' AND epoch = $2::bigint`,
    from: "half_open",
    to: "open",
    cause: "probe_failed",
    detail: `'probe failed: ' || $3`,
  });
}

/** Operator force-open: held open (no probes) until reset. Run inside the audit's transaction. */
export function forceOpenRow(db: Queryable, name: string, from: BreakerState, actor: string, reason: string): Promise<Change> {
  return operatorChange(db, name, from, actor, reason, {
    set: `state = 'open', forced = true, opened_at = now(), next_probe_at = NULL, probes_left = 0, probes_passed = 0, epoch = epoch + 1`,
    where: `NOT forced`,
    to: "open",
    cause: "forced_open",
  });
}

/** Operator reset: closed with a clean failure window, whatever the state was. */
export function resetRow(db: Queryable, name: string, from: BreakerState, actor: string, reason: string): Promise<Change> {
  return operatorChange(db, name, from, actor, reason, {
    set: `state = 'closed', forced = false, failures_in_window = 0, window_started_at = NULL, opened_at = NULL, next_probe_at = NULL,
          probes_left = 0, probes_passed = 0, epoch = epoch + 1`,
    where: `(state <> 'closed' OR forced)`,
    to: "closed",
    cause: "reset",
  });
}

async function operatorChange(
  db: Queryable,
  name: string,
  from: BreakerState,
  actor: string,
  reason: string,
  sql: { set: string; where: string; to: BreakerState; cause: TransitionCause },
): Promise<Change> {
  const { rows } = await db.query(
    `WITH b AS (
       UPDATE circuit_breakers SET ${sql.set}, updated_at = now() WHERE name = $1 AND state = $2 AND ${sql.where} RETURNING ${SNAPSHOT_COLUMNS}
     ), t AS (
       INSERT INTO circuit_breaker_transitions (breaker, from_state, to_state, cause, actor, reason)
       SELECT b.name, $2, '${sql.to}', '${sql.cause}', $3, $4 FROM b RETURNING ${TRANSITION_COLUMNS}
     )
     SELECT row_to_json(b.*) AS b, (SELECT row_to_json(t.*) FROM t) AS t FROM b`,
    [name, from, actor, reason],
  );
  return parseChange(rows);
}

/** Per breaker: OPEN ↔ HALF_OPEN transitions since `since` (flapping), breakers with none omitted. */
export async function flapCounts(db: Queryable, names: string[], since: Date): Promise<Map<string, number>> {
  const { rows } = await db.query<{ breaker: string; n: number }>(
    `SELECT breaker, count(*)::int AS n FROM circuit_breaker_transitions
      WHERE breaker = ANY($1::text[]) AND at >= $2
        AND ((from_state = 'open' AND to_state = 'half_open') OR (from_state = 'half_open' AND to_state = 'open'))
      GROUP BY breaker`,
    [names, since],
  );
  return new Map(rows.map((r) => [r.breaker, Number(r.n)]));
}

/**
 * Breakers that are open or half-open (not forced: an operator's hold is deliberate) and have not
 * been closed at any time since `since`: stuck open for at least the window.
 */
export async function openSince(db: Queryable, names: string[], since: Date): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT b.name FROM circuit_breakers b
      WHERE b.name = ANY($1::text[]) AND b.state <> 'closed' AND NOT b.forced AND b.opened_at IS NOT NULL
        AND (SELECT max(t.at) FROM circuit_breaker_transitions t WHERE t.breaker = b.name AND t.from_state = 'closed') < $2
      ORDER BY b.name`,
    [names, since],
  );
  return rows.map((r) => r.name);
}
