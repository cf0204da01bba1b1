// Per-minute event counts per SLI query, kept in process memory and refreshed incrementally, so the
// long windows (2h … 28d) and the daily history cost a scan of the last few minutes per tick
// instead of a scan of 28 days (at 10M attempt rows that scan takes seconds; see docs/slo.md).
//
// The first call (and any call whose clock jumped backwards or far ahead, as in tests) loads the
// whole range once. Later calls re-read from SETTLE_MS before the previous call, replacing those
// minutes, so rows committed a little after their finished_at are still counted.
import type { Pool } from "pg";
import type { SliRef } from "./definitions";
import { countEvents, sliQuery } from "./slis";

const MINUTE = 60_000;
const SETTLE_MS = 2 * MINUTE;

interface State {
  pool: Pool;
  /** first minute held (inclusive) */
  from: number;
  /** time up to which the counts were read (the previous call's now) */
  until: number;
  counts: Map<number, number>;
}

const states = new Map<string, State>();
const queues = new Map<string, Promise<unknown>>();

function key(ref: SliRef): string {
  return `${ref.query}|${ref.thresholdSeconds ?? ""}`;
}

function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE) * MINUTE;
}

async function load(pool: Pool, ref: SliRef, from: number, to: number): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ m: Date; n: string }>(
    `select date_trunc('minute', ts) as m, ${countEvents(sliQuery(ref.query))} as n from (${sliQuery(ref.query).sql}) e group by 1`,
    [new Date(from), new Date(to), ref.thresholdSeconds],
  );
  return new Map(rows.map((r) => [r.m.getTime(), Number(r.n)]));
}

async function refresh(pool: Pool, ref: SliRef, now: number, spanMs: number): Promise<State> {
  const needFrom = floorMinute(now - spanMs);
  const s = states.get(key(ref));
  if (!s || s.pool !== pool || now < s.until || needFrom < s.from || now - s.until > spanMs) {
    const fresh: State = { pool, from: needFrom, until: now, counts: await load(pool, ref, needFrom, now) };
    states.set(key(ref), fresh);
    return fresh;
  }
  const reloadFrom = Math.max(needFrom, floorMinute(s.until - SETTLE_MS));
  const recent = await load(pool, ref, reloadFrom, now);
  for (const m of s.counts.keys()) if (m >= reloadFrom || m < needFrom) s.counts.delete(m);
  for (const [m, n] of recent) s.counts.set(m, n);
  s.from = needFrom;
  s.until = now;
  return s;
}

/**
 * Per-minute counts covering at least [now − spanMs, now). Calls for the same query are serialised
 * so concurrent callers never interleave refreshes.
 */
export function minuteCounts(pool: Pool, ref: SliRef, now: Date, spanMs: number): Promise<Map<number, number>> {
  const k = key(ref);
  const run = (queues.get(k) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => refresh(pool, ref, now.getTime(), spanMs))
    .then((s) => new Map(s.counts));
  queues.set(k, run);
  return run;
}

/** Events in the minutes that start at or after `from` (window edges round in to the next minute). */
export function sumSince(counts: Map<number, number>, from: number, to: number): number {
  let n = 0;
  for (const [m, c] of counts) if (m >= from && m < to) n += c;
  return n;
}

/** Forget everything (tests). */
export function resetMinuteCounts(): void {
  states.clear();
  queues.clear();
}
