import "server-only";
// Operator actions on shared breakers: force-open (the runbook's "contain": stop calling a platform
// from every instance) and reset. Each locks the breaker's row, makes one conditional change and
// writes its audit row in the same transaction; a racing or no-op action is a 409 saying why.
import { db, type Tx } from "../db";
import { writeAudit } from "../audit";
import { AppError, conflict, notFound } from "../errors";
import { emitTransition } from "./breaker";
import { SNAPSHOT_COLUMNS, forceOpenRow, resetRow, toSnapshot, type BreakerSnapshot, type Change, type Queryable, type SnapshotRow } from "./store";

export interface BreakerActor {
  /** "user:<email>" or "apikey:<name>" (RouteContext.actor). */
  actor: string;
  reason: string;
}

/** store.ts speaks pg's `query`; inside a Prisma transaction the same SQL runs through $queryRawUnsafe. */
function asQueryable(tx: Tx): Queryable {
  const query = async (text: string, params: unknown[] = []) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...params) });
  return { query } as unknown as Queryable;
}

function checkReason(reason: string, what: string): string {
  const r = reason.trim();
  if (r.length < 3) throw new AppError("validation_failed", `A reason (at least 3 characters) is required to ${what}; it is kept in the audit log and the breaker's history.`);
  return r;
}

async function lockRow(tx: Tx, name: string): Promise<BreakerSnapshot> {
  const rows = await tx.$queryRawUnsafe<SnapshotRow[]>(`SELECT ${SNAPSHOT_COLUMNS} FROM circuit_breakers WHERE name = $1 FOR UPDATE`, name);
  if (!rows[0]) throw notFound(`Circuit breaker "${name}"`);
  return toSnapshot(rows[0]);
}

async function operatorAction(
  name: string,
  who: BreakerActor,
  spec: { what: string; action: string; refuse: (s: BreakerSnapshot) => AppError | null; change: (q: Queryable, s: BreakerSnapshot, reason: string) => Promise<Change> },
): Promise<BreakerSnapshot> {
  const reason = checkReason(who.reason, spec.what);
  const ch = await db().$transaction(async (tx) => {
    const before = await lockRow(tx, name);
    const refused = spec.refuse(before);
    if (refused) throw refused;
    const result = await spec.change(asQueryable(tx), before, reason);
    if (!result.snapshot) throw conflict(`Circuit breaker "${name}" changed while this action ran; refresh and try again.`);
    await writeAudit(tx, { actor: who.actor, action: spec.action, target: `breaker:${name}`, count: 1, reason, details: { from: before.state, forced: before.forced } });
    return result;
  });
  if (ch.transition) emitTransition(ch.transition);
  return ch.snapshot!;
}

/** Holds the breaker open, for every process, until a reset. 409 when it is already forced open. */
export function forceOpen(name: string, who: BreakerActor): Promise<BreakerSnapshot> {
  return operatorAction(name, who, {
    what: "force a breaker open",
    action: "breaker.force_open",
    refuse: (s) => (s.forced ? conflict(`Circuit breaker "${name}" is already forced open (since ${s.openedAt?.toISOString()}); reset it to let calls through again.`, { state: s.state, forced: true }) : null),
    change: (q, s, reason) => forceOpenRow(q, name, s.state, who.actor, reason),
  });
}

/** Closes the breaker with a clean failure window. 409 when it is already closed and not forced. */
export function resetBreaker(name: string, who: BreakerActor): Promise<BreakerSnapshot> {
  return operatorAction(name, who, {
    what: "reset a breaker",
    action: "breaker.reset",
    refuse: (s) => (s.state === "closed" && !s.forced ? conflict(`Circuit breaker "${name}" is already closed; there is nothing to reset.`, { state: s.state, forced: false }) : null),
    change: (q, s, reason) => resetRow(q, name, s.state, who.actor, reason),
  });
}
