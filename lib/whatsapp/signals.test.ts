// The seed's alert signals over the database counters and heartbeats, on the real database.
import { afterAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/platform/db";
import { count } from "./counters";
import { recordHeartbeat } from "./collectors";
import { whatsappSignals } from "./signals";

const signal = (name: string) => whatsappSignals.find((s) => s.name === name)!;
const evaluate = async (name: string, windowSeconds = 60) => Number(await signal(name).evaluate({ pool: pool(), now: new Date() }, windowSeconds));

afterAll(async () => {
  await pool().query(`DELETE FROM whatsapp_collectors WHERE id LIKE 'sig-test-%'`);
});

describe("whatsapp signals", () => {
  it("sum 401s and 403s, 429s and media failures over the window, and the extraction error ratio", async () => {
    const before = {
      auth: await evaluate("whatsapp_auth_rejections"), limited: await evaluate("whatsapp_rate_limited"), media: await evaluate("whatsapp_media_failures", 300),
    };
    await count(pool(), { auth_failures: 2, forbidden: 3, rate_limited: 4, media_failed: 11 });
    expect(await evaluate("whatsapp_auth_rejections")).toBe(before.auth + 5);
    expect(await evaluate("whatsapp_rate_limited")).toBe(before.limited + 4);
    expect(await evaluate("whatsapp_media_failures", 300)).toBe(before.media + 11);
    // Minute buckets older than the window do not count.
    await pool().query(`INSERT INTO whatsapp_counters (bucket, name, shard, count) VALUES (date_trunc('minute', now()) - interval '30 minutes', 'rate_limited', 0, 100)`);
    expect(await evaluate("whatsapp_rate_limited")).toBe(before.limited + 4);
    await count(pool(), { extracted: 1000, errors: 1000 });
    expect(await evaluate("whatsapp_extraction_error_ratio", 300)).toBeGreaterThan(0.05);
  });

  it("counts collectors offline by status age or missing progress", async () => {
    const base = await evaluate("whatsapp_collectors_offline");
    await recordHeartbeat(pool(), { collector_id: "sig-test-a", connection_status: "close", batches_success: 1, batches_failure: 0, version: "" });
    await recordHeartbeat(pool(), { collector_id: "sig-test-b", connection_status: "open", batches_success: 1, batches_failure: 0, version: "" });
    expect(await evaluate("whatsapp_collectors_offline")).toBe(base);
    await pool().query(`UPDATE whatsapp_collectors SET status_since = now() - interval '3 minutes' WHERE id = 'sig-test-a'`);
    await pool().query(`UPDATE whatsapp_collectors SET success_increased_at = now() - interval '11 minutes' WHERE id = 'sig-test-b'`);
    expect(await evaluate("whatsapp_collectors_offline")).toBe(base + 2);
  });
});
