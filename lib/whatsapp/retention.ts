import "server-only";
// WhatsApp retention (lib/platform/retention.ts): messages older than
// WHATSAPP_MESSAGES_RETENTION_DAYS (their offers go with them, by foreign key), per-minute counter
// rows older than WHATSAPP_COUNTERS_RETENTION_DAYS and failure-log rows older than
// WHATSAPP_FAILURES_RETENTION_DAYS, and content-dedupe claims past the dedupe window. The running totals are never pruned: /metrics/whatsapp's
// totals stay all-time; only the per-minute history behind charts and alert deltas is bounded.
import type pg from "pg";
import { deleteOlderThan, retentionWorker } from "@/lib/platform/retention";
import type { WorkerDefinition } from "@/lib/platform/worker-runtime";
import { whatsappSettings } from "./settings";

const DAY_MS = 86_400_000;

export async function pruneWhatsapp(pool: pg.Pool, now = new Date()): Promise<{ messages: number; counterRows: number; failures: number; claims: number }> {
  const s = whatsappSettings();
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const messages = await deleteOlderThan(pool, { table: "whatsapp_messages", key: "id", column: "received_at", before: before(s.WHATSAPP_MESSAGES_RETENTION_DAYS) });
  const counterRows = await deleteOlderThan(pool, { table: "whatsapp_counters", key: "ctid", column: "bucket", before: before(s.WHATSAPP_COUNTERS_RETENTION_DAYS) });
  const failures = await deleteOlderThan(pool, { table: "whatsapp_failures", key: "id", column: "at", before: before(s.WHATSAPP_FAILURES_RETENTION_DAYS) });
  // A claim older than the dedupe window no longer dedupes anything (ingest would take it over).
  const claims = await deleteOlderThan(pool, { table: "whatsapp_content_claims", key: "ctid", column: "claimed_at", before: new Date(now.getTime() - s.WHATSAPP_DEDUPE_WINDOW_SECONDS * 1000) });
  return { messages, counterRows, failures, claims };
}

export function whatsappRetentionWorker(pool: () => pg.Pool): WorkerDefinition {
  return retentionWorker({
    name: "whatsapp-retention",
    everyMs: 10 * 60_000,
    prune: () => pruneWhatsapp(pool()),
    settings: () => {
      const s = whatsappSettings();
      return { messagesDays: s.WHATSAPP_MESSAGES_RETENTION_DAYS, countersDays: s.WHATSAPP_COUNTERS_RETENTION_DAYS, failuresDays: s.WHATSAPP_FAILURES_RETENTION_DAYS };
    },
  });
}
