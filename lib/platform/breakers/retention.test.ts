import { afterAll, describe, expect, it } from "vitest";
import { pool } from "../db";
import { pruneBreakerHistory } from "./retention";

const db = pool();
const NAME = `retention-test-${Date.now()}`;

afterAll(async () => {
  await db.query(`DELETE FROM circuit_breaker_transitions WHERE breaker = $1`, [NAME]);
});

describe("breaker history retention", () => {
  it("deletes transitions older than OPSDECK_BREAKER_HISTORY_DAYS (30) and keeps the rest", async () => {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO circuit_breaker_transitions (breaker, from_state, to_state, cause, at)
       VALUES ($1, 'closed', 'open', 'failures', now() - interval '31 days'), ($1, 'open', 'half_open', 'cooldown', now() - interval '29 days')
       RETURNING id::text`,
      [NAME],
    );
    const pruned = await pruneBreakerHistory(db);
    expect(pruned.transitions).toBeGreaterThanOrEqual(1);
    const { rows: left } = await db.query<{ id: string }>(`SELECT id::text FROM circuit_breaker_transitions WHERE breaker = $1`, [NAME]);
    expect(left.map((r) => r.id)).toEqual([rows[1].id]);
  });
});
