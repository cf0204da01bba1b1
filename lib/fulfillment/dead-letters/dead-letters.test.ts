import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db, pool } from "@/lib/platform/db";
import { listDeadLetters, errorGroups, previewFilter, taskDetail } from "./queries";
import { actOnOne, actOnOneInTx, actOnSelected, editAndRetry } from "./actions";
import { cancelBulkOperation, createBulkOperation, getBulkOperation, resumeBulkOperations, runBulkOperation } from "./bulk";
import { listAudit } from "./audit-log";

// Each test works in its own "run" of task types/fingerprints so rows from other tests never match.
let run = "";
beforeEach(() => {
  run = randomUUID().slice(0, 8);
});

async function insertDead(n: number, o: { type?: string; error?: string; cls?: string; fp?: string; at?: Date; stepMs?: number; payload?: unknown } = {}): Promise<string[]> {
  const { rows } = await pool().query<{ id: string }>(
    `INSERT INTO fulfillment_tasks (task_type, payload, status, attempts, max_attempts, last_error_class, last_error, error_fingerprint, dead_lettered_at, finished_at)
     SELECT $1, $2::jsonb, 'dead_lettered', 5, 5, $3, $4 || ' #' || g, $5, $6::timestamptz - (g * $7::int) * interval '1 millisecond', now()
       FROM generate_series(1, $8::int) g RETURNING id::text`,
    [o.type ?? `noop`, JSON.stringify(o.payload ?? { run }), o.cls ?? "ProviderTimeout", o.error ?? `warehouse timeout ${run}`, o.fp ?? `fp-${run}`, o.at ?? new Date(), o.stepMs ?? 1000, n],
  );
  return rows.map((r) => r.id);
}

async function statusOf(id: string): Promise<string> {
  const { rows } = await pool().query(`SELECT status::text FROM fulfillment_tasks WHERE id = $1`, [id]);
  return rows[0].status;
}

const who = (reason?: string) => ({ actor: `user:op-${run}@test`, reason });

afterAll(async () => {
  await db().$disconnect();
});

describe("dead-letter list", () => {
  it("filters by type, time range, error text and group, and pages by keyset without gaps or repeats", async () => {
    const base = new Date("2026-11-20T12:00:00Z");
    const a = await insertDead(7, { error: `carrier rejected postcode ${run}`, at: base, fp: `fpA-${run}` });
    const b = await insertDead(3, { type: "capture_payment", error: `card declined ${run}`, cls: "PaymentDeclined", at: base, fp: `fpB-${run}` });

    // Error text search (message and class), case-insensitive, narrowed to this run.
    const byText = await listDeadLetters({ q: `REJECTED POSTCODE ${run}` }, { limit: 100 });
    expect(byText.items.map((r) => r.id).sort()).toEqual([...a].sort());
    const byClass = await listDeadLetters({ q: "PaymentDeclined", group: `fpB-${run}` }, { limit: 100 });
    expect(byClass.items).toHaveLength(3);
    // LIKE wildcards in the search text are literal.
    expect((await listDeadLetters({ q: `%${run}` })).items).toHaveLength(0);

    const byType = await listDeadLetters({ type: "capture_payment", q: run });
    expect(byType.items.map((r) => r.id).sort()).toEqual([...b].sort());

    // Time range: a/b rows are at base - g seconds; [base-3s, base-1s) holds g = 2, 3 from each set.
    const ranged = await listDeadLetters({ q: run, from: new Date(base.getTime() - 3000), to: new Date(base.getTime() - 1000) });
    expect(ranged.items).toHaveLength(4);

    // Keyset pages of 3 over the 7 "a" rows: newest first, every row once.
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const r = await listDeadLetters({ group: `fpA-${run}` }, { limit: 3, cursor });
      seen.push(...r.items.map((i) => i.id));
      if (!r.nextCursor) break;
      cursor = r.nextCursor;
    }
    expect(seen).toEqual([...a]); // generated with decreasing dead_lettered_at, so insertion order = newest first
    await expect(listDeadLetters({}, { cursor: "garbage" })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("text search finds matches both within the newest-rows window and behind it (trigram fallback), paging correctly", async () => {
    const old = await insertDead(3, { error: `ancient ledger drift ${run}`, at: new Date("2020-01-01T00:00:00Z") });
    await insertDead(5200, { error: `recent noise ${run}`, at: new Date(Date.now() + 86_400_000), stepMs: 1 });
    const rare = await listDeadLetters({ q: `ledger drift ${run}` }, { limit: 2 });
    expect(rare.items.map((r) => r.id)).toEqual(old.slice(0, 2));
    const rest = await listDeadLetters({ q: `ledger drift ${run}` }, { limit: 2, cursor: rare.nextCursor! });
    expect(rest.items.map((r) => r.id)).toEqual(old.slice(2));
    expect(rest.nextCursor).toBeNull();
    const common = await listDeadLetters({ q: `recent noise ${run}` }, { limit: 50 });
    expect(common.items).toHaveLength(50);
    expect(common.nextCursor).not.toBeNull();
    await pool().query(`DELETE FROM fulfillment_tasks WHERE last_error LIKE $1`, [`recent noise ${run}%`]);
  });

  it("groups dead tasks by fingerprint with count, first/last seen, types and a sample", async () => {
    await insertDead(4, { fp: `g1-${run}`, type: "noop" });
    await insertDead(2, { fp: `g1-${run}`, type: "reserve_inventory" });
    await insertDead(1, { fp: `g2-${run}` });
    const groups = await errorGroups({ q: run });
    expect(groups.map((g) => [g.fingerprint, g.count])).toEqual([[`g1-${run}`, 6], [`g2-${run}`, 1]]);
    expect(groups[0].taskTypes.sort()).toEqual(["noop", "reserve_inventory"]);
    expect(new Date(groups[0].firstSeen) <= new Date(groups[0].lastSeen)).toBe(true);
    expect(groups[0].sampleMessage).toContain(run);
  });
});

describe("dead-letter actions", () => {
  it("retries one: requeues with a fresh attempt budget and writes an audit row", async () => {
    const [id] = await insertDead(1);
    await actOnOne("retry", id, who());
    const { rows } = await pool().query(`SELECT status::text, attempts, dead_lettered_at FROM fulfillment_tasks WHERE id = $1`, [id]);
    expect(rows[0]).toMatchObject({ status: "pending", attempts: 0, dead_lettered_at: null });
    const audit = await db().auditLog.findMany({ where: { target: `fulfillment_task:${id}` } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "fulfillment.dead_letter.retry", actor: `user:op-${run}@test`, count: 1 });
  });

  it("two operators retrying the same task at once: exactly one requeue, the other a 409 naming who did it", async () => {
    const [id] = await insertDead(1);
    const results = await Promise.allSettled([actOnOne("retry", id, { actor: "user:alice@test" }), actOnOne("retry", id, { actor: "user:bob@test" })]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0].reason).toMatchObject({ code: "conflict" });
    expect(failed[0].reason.message).toMatch(/no longer dead-lettered \(it is now pending — retry by (alice|bob)@test at .*\)\. Refresh/);
    expect(await db().auditLog.count({ where: { target: `fulfillment_task:${id}` } })).toBe(1);
  });

  it("discards one with a required reason; retry of a discarded task is a 409", async () => {
    const [id] = await insertDead(1);
    await expect(actOnOne("discard", id, who(""))).rejects.toMatchObject({ code: "validation_failed" });
    await actOnOne("discard", id, who("duplicate order"));
    expect(await statusOf(id)).toBe("discarded");
    await expect(actOnOne("retry", id, who())).rejects.toMatchObject({ code: "conflict" });
    await expect(actOnOne("retry", "999999999999", who())).rejects.toMatchObject({ code: "not_found" });
  });

  it("retries/discards selected ids, skipping those no longer dead-lettered", async () => {
    const ids = await insertDead(4);
    await actOnOne("discard", ids[0], who("gone"));
    const r = await actOnSelected("retry", ids, who("provider fixed"));
    expect(r).toEqual({ changed: 3, skipped: [ids[0]] });
    expect(await Promise.all(ids.map(statusOf))).toEqual(["discarded", "pending", "pending", "pending"]);
    await expect(actOnSelected("discard", ids.slice(1), who("x-reason"))).rejects.toMatchObject({ code: "conflict" });
    const audit = await db().auditLog.findFirst({ where: { actor: `user:op-${run}@test`, action: "fulfillment.dead_letter.retry" } });
    expect(audit).toMatchObject({ count: 3, reason: "provider fixed" });
  });

  it("writes the audit row in the action's transaction: a rollback leaves neither change nor audit", async () => {
    const [id] = await insertDead(1);
    await expect(
      db().$transaction(async (tx) => {
        await actOnOneInTx(tx, "retry", id, who("will roll back"));
        throw new Error("boom after the action");
      }),
    ).rejects.toThrow("boom");
    expect(await statusOf(id)).toBe("dead_lettered");
    expect(await db().auditLog.count({ where: { target: `fulfillment_task:${id}` } })).toBe(0);
  });

  it("edit payload then retry: 422 with the schema's message on bad input, original kept, diff returned and audited", async () => {
    const original = { sku: "SKU-1", quantity: 2, warehouse: "north" };
    const [id] = await insertDead(1, { type: "reserve_inventory", payload: original });
    await expect(editAndRetry(id, { sku: "SKU-1", quantity: -1, warehouse: "north" }, who("fix qty"))).rejects.toMatchObject({
      code: "validation_failed",
      message: expect.stringMatching(/does not match the "reserve_inventory" schema: quantity: .*/),
    });
    await expect(editAndRetry(id, { ...original, extra: 1 }, who("fix qty"))).rejects.toMatchObject({ code: "validation_failed" });
    expect(await statusOf(id)).toBe("dead_lettered");

    const r = await editAndRetry(id, { ...original, warehouse: "south" }, who("north warehouse closed"));
    expect(r.diff).toEqual([{ path: "warehouse", kind: "changed", before: "north", after: "south" }]);
    const detail = await taskDetail(id);
    expect(detail.status).toBe("pending");
    expect(detail.payload).toEqual({ ...original, warehouse: "south" });
    expect(detail.originalPayload).toEqual(original);
    const audit = await db().auditLog.findFirstOrThrow({ where: { target: `fulfillment_task:${id}`, action: "fulfillment.dead_letter.edit_retry" } });
    expect(audit.details).toMatchObject({ before: original, after: { ...original, warehouse: "south" } });
    // Editing again is refused: it is no longer dead-lettered.
    await expect(editAndRetry(id, original, who("again"))).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("bulk operations", () => {
  it("the dry-run count equals what the operation freezes and processes; new matches after freezing are not touched", async () => {
    const ids = await insertDead(25);
    const filter = { q: run };
    const dry = await previewFilter(filter);
    expect(dry.count).toBe(25);
    expect(dry.sample).toHaveLength(5);
    const op = await createBulkOperation("retry", filter, who("provider is back"), { start: false });
    expect(op.total).toBe(dry.count);
    const late = await insertDead(2); // dead-lettered after the freeze: must stay
    expect(await runBulkOperation(op.id, { chunkSize: 10 })).toBe("finished");
    const done = await getBulkOperation(op.id);
    expect(done).toMatchObject({ status: "succeeded", total: 25, processed: 25, changed: 25 });
    expect(new Set(await Promise.all(ids.map(statusOf)))).toEqual(new Set(["pending"]));
    expect(await Promise.all(late.map(statusOf))).toEqual(["dead_lettered", "dead_lettered"]);
    const audit = await db().auditLog.findMany({ where: { target: `bulk_operation:${op.id}` }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, (a.details as { phase: string }).phase, a.count])).toEqual([
      ["fulfillment.dead_letter.bulk_retry", "started", 25],
      ["fulfillment.dead_letter.bulk_retry", "finished", 25],
    ]);
    await expect(createBulkOperation("retry", filter, who("")), "reason required").rejects.toMatchObject({ code: "validation_failed" });
  });

  it("discards a whole error group through a bulk operation", async () => {
    const ids = await insertDead(5, { fp: `grp-${run}` });
    const op = await createBulkOperation("discard", { group: `grp-${run}` }, who("known bad batch"), { start: false });
    expect(await runBulkOperation(op.id)).toBe("finished");
    expect(new Set(await Promise.all(ids.map(statusOf)))).toEqual(new Set(["discarded"]));
    await expect(createBulkOperation("discard", { group: `grp-${run}` }, who("again please"))).rejects.toMatchObject({ code: "conflict" });
  });

  it("can be cancelled mid-way: later chunks are not applied", async () => {
    await insertDead(30);
    const op = await createBulkOperation("retry", { q: run }, who("try again"), { start: false });
    expect(await runBulkOperation(op.id, { chunkSize: 10, maxChunks: 1 })).toBe("paused");
    await cancelBulkOperation(op.id, who("wrong filter"));
    expect(await runBulkOperation(op.id, { chunkSize: 10 })).toBe("stopped");
    const after = await getBulkOperation(op.id);
    expect(after).toMatchObject({ status: "cancelled", processed: 10, changed: 10 });
    expect((await previewFilter({ q: run })).count).toBe(20);
    await expect(cancelBulkOperation(op.id, who())).rejects.toMatchObject({ code: "conflict" });
  });

  it("resumes after a simulated restart, and a second runner on the same operation backs off", async () => {
    await insertDead(35);
    const op = await createBulkOperation("retry", { q: run }, who("resume test"), { start: false });
    expect(await runBulkOperation(op.id, { chunkSize: 10, maxChunks: 2 })).toBe("paused"); // "crash" after 2 chunks

    // Another live owner holds the operation: a runner must not compete.
    const holder = await pool().connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(48211, hashtext($1))`, [op.id]);
      expect(await runBulkOperation(op.id)).toBe("busy");
    } finally {
      await holder.query(`SELECT pg_advisory_unlock_all()`);
      holder.release();
    }

    // "Restart": the resumer sweep finds it running and unowned.
    const runs = await resumeBulkOperations();
    const outcomes = await Promise.all(runs);
    expect(outcomes).toContain("finished");
    expect(await getBulkOperation(op.id)).toMatchObject({ status: "succeeded", total: 35, processed: 35, changed: 35 });
    expect((await previewFilter({ q: run })).count).toBe(0);
  });
});

describe("bulk operation failures", () => {
  it("a failing chunk rolls back whole, leaves the operation running with the error shown, and the next run finishes it", async () => {
    const ids = await insertDead(5);
    const op = await createBulkOperation("retry", { q: run }, who("flaky database"), { start: false });
    // A real failure inside the chunk's transaction: a trigger refusing the update of one task.
    await pool().query(`CREATE OR REPLACE FUNCTION dead_letter_test_outage() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated outage'; END $$ LANGUAGE plpgsql`);
    await pool().query(`CREATE TRIGGER dead_letter_test_outage BEFORE UPDATE ON fulfillment_tasks FOR EACH ROW WHEN (OLD.id = ${Number(ids[2])}) EXECUTE FUNCTION dead_letter_test_outage()`);
    try {
      await expect(runBulkOperation(op.id)).rejects.toThrow(/simulated outage/);
    } finally {
      await pool().query(`DROP TRIGGER dead_letter_test_outage ON fulfillment_tasks`);
    }
    expect(await getBulkOperation(op.id)).toMatchObject({ status: "running", processed: 0, changed: 0, error: expect.stringContaining("simulated outage") });
    expect(await Promise.all(ids.map(statusOf))).toEqual(Array(5).fill("dead_lettered"));
    expect(await runBulkOperation(op.id)).toBe("finished");
    expect(await getBulkOperation(op.id)).toMatchObject({ status: "succeeded", processed: 5, changed: 5, error: null });
  });
});

describe("audit list", () => {
  it("filters by actor, action and time, keyset-paginated", async () => {
    const ids = await insertDead(5);
    for (const id of ids) await actOnOne("retry", id, who("audit paging"));
    const first = await listAudit({ actor: `op-${run}@test`, action: "fulfillment.dead_letter" }, { limit: 2 });
    expect(first.items).toHaveLength(2);
    const all = [...first.items];
    let cursor = first.nextCursor;
    while (cursor) {
      const next = await listAudit({ actor: `op-${run}@test` }, { limit: 2, cursor });
      all.push(...next.items);
      cursor = next.nextCursor;
    }
    expect(all.map((a) => a.target)).toEqual(ids.map((id) => `fulfillment_task:${id}`).reverse());
    expect((await listAudit({ actor: `op-${run}@test`, from: new Date(Date.now() + 60_000) })).items).toHaveLength(0);
    expect((await listAudit({ actor: `op-${run}@test`, action: "api_key." })).items).toHaveLength(0);
  });
});
