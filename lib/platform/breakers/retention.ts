import "server-only";
// Transition history is kept OPSDECK_BREAKER_HISTORY_DAYS (default 30): the panel's timeline reads
// 24 h and flapping detection minutes; older rows only grow the table. Operator actions stay in the
// audit log, which has its own life.
import type pg from "pg";
import { pool } from "../db";
import { deleteOlderThan, retentionWorker } from "../retention";

const historyDays = () => Math.max(1, Number(process.env.OPSDECK_BREAKER_HISTORY_DAYS ?? 30) || 30);

export async function pruneBreakerHistory(db: pg.Pool, now = new Date()): Promise<{ transitions: number }> {
  const before = new Date(now.getTime() - historyDays() * 86_400_000);
  return { transitions: await deleteOlderThan(db, { table: "circuit_breaker_transitions", key: "id", column: "at", before }) };
}

export const breakerHistoryRetention = retentionWorker({
  name: "breaker-history-retention",
  everyMs: 60 * 60_000,
  prune: () => pruneBreakerHistory(pool()),
  settings: () => ({ historyDays: historyDays() }),
});
