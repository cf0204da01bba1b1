// WhatsApp retention on the real database: old messages (with their offers), per-minute counter
// rows and failure-log rows go; recent ones and the running totals stay; the worker runs a pass
// at start and the days are configurable.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { pool } from "@/lib/platform/db";
import { pruneWhatsapp, whatsappRetentionWorker } from "./retention";

const run = randomBytes(3).toString("hex");
const DAY = 86_400_000;

async function seed(ageDays: number, tag: string) {
  const at = new Date(Date.now() - ageDays * DAY);
  const { rows } = await pool().query<{ id: string }>(
    `INSERT INTO whatsapp_messages (client_id, chat_id, message_id, sent_at, content_hash, status, received_at)
     VALUES ('retention', $1, $2, $3, 'h', 'extracted', $3) RETURNING id::text`,
    [`chat-${run}`, `${tag}-${run}`, at],
  );
  await pool().query(`INSERT INTO whatsapp_offers (message_row_id, client_id, product, price, currency, created_at) VALUES ($1, 'retention', 'rice', 10, 'USD', $2)`, [rows[0].id, at]);
  await pool().query(`INSERT INTO whatsapp_counters (bucket, name, shard, count) VALUES (date_trunc('minute', $1::timestamptz), $2, 0, 1)`, [at, `retention_${tag}_${run}`]);
  await pool().query(`INSERT INTO whatsapp_failures (at, kind, reason, client_id) VALUES ($1, 'auth', 'invalid_token', $2)`, [at, `retention-${tag}-${run}`]);
  await pool().query(`INSERT INTO whatsapp_content_claims (chat_id, content_hash, message_row_id, claimed_at) VALUES ($1, $2, $3, $4)`, [`chat-${run}`, `${tag}-${run}`, rows[0].id, at]);
  return rows[0].id;
}

const exists = async (id: string) => ({
  message: (await pool().query(`SELECT 1 FROM whatsapp_messages WHERE id = $1`, [id])).rowCount,
  offer: (await pool().query(`SELECT 1 FROM whatsapp_offers WHERE message_row_id = $1`, [id])).rowCount,
});
const counterRows = async (tag: string) => (await pool().query(`SELECT 1 FROM whatsapp_counters WHERE name = $1`, [`retention_${tag}_${run}`])).rowCount;
const claimRows = async (tag: string) => (await pool().query(`SELECT 1 FROM whatsapp_content_claims WHERE content_hash = $1`, [`${tag}-${run}`])).rowCount;
const failureRows = async (tag: string) => (await pool().query(`SELECT 1 FROM whatsapp_failures WHERE client_id = $1`, [`retention-${tag}-${run}`])).rowCount;

afterEach(() => {
  for (const k of ["WHATSAPP_MESSAGES_RETENTION_DAYS", "WHATSAPP_COUNTERS_RETENTION_DAYS", "WHATSAPP_FAILURES_RETENTION_DAYS"]) delete process.env[k];
});

describe("WhatsApp retention", () => {
  it("deletes messages with their offers, counter rows and failures past their days, and keeps the rest", async () => {
    const old = await seed(40, "old");
    const recent = await seed(1, "recent");
    const totalsBefore = (await pool().query(`SELECT count(*)::int AS n FROM whatsapp_counter_totals`)).rows[0].n;
    const r = await pruneWhatsapp(pool());
    expect(r.messages).toBeGreaterThanOrEqual(1);
    expect(r.counterRows).toBeGreaterThanOrEqual(1);
    expect(r.failures).toBeGreaterThanOrEqual(1);
    expect(await exists(old)).toEqual({ message: 0, offer: 0 });
    expect(await exists(recent)).toEqual({ message: 1, offer: 1 });
    expect([await counterRows("old"), await counterRows("recent")]).toEqual([0, 1]);
    expect([await failureRows("old"), await failureRows("recent")]).toEqual([0, 1]);
    // Claims live as long as the dedupe window (600 s by default): both seeded claims are older.
    expect(r.claims).toBeGreaterThanOrEqual(2);
    expect([await claimRows("old"), await claimRows("recent")]).toEqual([0, 0]);
    expect((await pool().query(`SELECT count(*)::int AS n FROM whatsapp_counter_totals`)).rows[0].n).toBe(totalsBefore);
  });

  it("reads the days from the environment, per kind of row", async () => {
    const id = await seed(3, "short");
    process.env.WHATSAPP_COUNTERS_RETENTION_DAYS = "2";
    await pruneWhatsapp(pool());
    expect(await counterRows("short")).toBe(0);
    expect(await exists(id)).toEqual({ message: 1, offer: 1 });
    expect(await failureRows("short")).toBe(1);
    process.env.WHATSAPP_MESSAGES_RETENTION_DAYS = "2";
    process.env.WHATSAPP_FAILURES_RETENTION_DAYS = "2";
    await pruneWhatsapp(pool());
    expect(await exists(id)).toEqual({ message: 0, offer: 0 });
    expect(await failureRows("short")).toBe(0);
  });

  it("runs a pass when the worker starts", async () => {
    const id = await seed(45, "worker");
    const def = whatsappRetentionWorker(pool);
    expect(def.enabled()).toMatchObject({ enabled: true, settings: { messagesDays: 30, countersDays: 35, failuresDays: 30 } });
    const w = await def.start();
    await w.stop(); // waits for the pass in flight
    expect(await exists(id)).toEqual({ message: 0, offer: 0 });
  });
});
