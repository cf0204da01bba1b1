import "server-only";
// Collectors report their state by heartbeat; "offline" is computed from those reports on read:
// connection_status other than "open" for longer than the grace period, no batches_success
// increase (or no heartbeat at all) for the idle period — the seed's two alert conditions.
import type pg from "pg";
import { z } from "zod";
import { whatsappSettings, type WhatsappSettings } from "./settings";

type Queryable = pg.Pool | pg.PoolClient;

export const heartbeatSchema = z
  .object({
    collector_id: z.string().regex(/^[A-Za-z0-9._:@-]{1,64}$/, "collector_id is 1–64 letters, digits or . _ : @ -"),
    connection_status: z.string().regex(/^[a-z_]{1,32}$/, 'connection_status is a lower-case word such as "open", "connecting" or "close"'),
    batches_success: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    batches_failure: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    version: z.string().max(40).regex(/^[\x20-\x7e]*$/, "version is printable ASCII").default(""),
  })
  .strict();
export type Heartbeat = z.infer<typeof heartbeatSchema>;

/** Upserts the collector; status_since moves when the status changes, success_increased_at when batches_success grows. */
export async function recordHeartbeat(c: Queryable, hb: Heartbeat): Promise<void> {
  await c.query(
    `INSERT INTO whatsapp_collectors AS w (id, connection_status, batches_success, batches_failure, version, last_heartbeat_at, status_since, success_increased_at)
     VALUES ($1, $2, $3, $4, $5, now(), now(), now())
     ON CONFLICT (id) DO UPDATE SET
       connection_status = EXCLUDED.connection_status, batches_success = EXCLUDED.batches_success, batches_failure = EXCLUDED.batches_failure,
       version = EXCLUDED.version, last_heartbeat_at = now(),
       status_since = CASE WHEN w.connection_status = EXCLUDED.connection_status THEN w.status_since ELSE now() END,
       -- A collector restart resets its counters: treat a decrease like an increase (it is alive).
       success_increased_at = CASE WHEN EXCLUDED.batches_success <> w.batches_success THEN now() ELSE w.success_increased_at END`,
    [hb.collector_id, hb.connection_status, hb.batches_success, hb.batches_failure, hb.version],
  );
}

export interface CollectorView {
  id: string;
  connection_status: string;
  batches_success: number;
  batches_failure: number;
  version: string;
  last_heartbeat_at: string;
  status_since: string;
  success_increased_at: string;
  last_batch_at: string | null;
  offline: boolean;
  offline_reason: string | null;
}

/** The offline rule in SQL, so the alert signal and the list agree ($1 grace, $2 idle seconds). */
const OFFLINE_REASON_SQL = `CASE
  WHEN connection_status <> 'open' AND status_since < now() - make_interval(secs => $1) THEN 'connection_status'
  WHEN last_heartbeat_at < now() - make_interval(secs => $2) THEN 'no_heartbeat'
  WHEN success_increased_at < now() - make_interval(secs => $2) THEN 'no_batches'
END`;

export async function listCollectors(c: Queryable, s: WhatsappSettings = whatsappSettings()): Promise<CollectorView[]> {
  const { rows } = await c.query<{
    id: string; connection_status: string; batches_success: string; batches_failure: string; version: string; last_heartbeat_at: Date;
    status_since: Date; success_increased_at: Date; last_batch_at: Date | null; offline_reason: string | null;
  }>(
    `SELECT id, connection_status, batches_success::text, batches_failure::text, version, last_heartbeat_at, status_since, success_increased_at, last_batch_at,
            ${OFFLINE_REASON_SQL} AS offline_reason
       FROM whatsapp_collectors ORDER BY (${OFFLINE_REASON_SQL}) IS NULL, id LIMIT 200`,
    [s.WHATSAPP_COLLECTOR_STATUS_GRACE_SECONDS, s.WHATSAPP_COLLECTOR_IDLE_SECONDS],
  );
  return rows.map((r) => ({
    id: r.id, connection_status: r.connection_status, batches_success: Number(r.batches_success), batches_failure: Number(r.batches_failure), version: r.version,
    last_heartbeat_at: r.last_heartbeat_at.toISOString(), status_since: r.status_since.toISOString(), success_increased_at: r.success_increased_at.toISOString(),
    last_batch_at: r.last_batch_at?.toISOString() ?? null, offline: r.offline_reason !== null, offline_reason: r.offline_reason,
  }));
}

/** Collectors offline now (for the alert signal and the Prometheus gauge). */
export async function offlineCollectors(c: Queryable, s: WhatsappSettings = whatsappSettings()): Promise<number> {
  const { rows } = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM whatsapp_collectors WHERE (${OFFLINE_REASON_SQL}) IS NOT NULL`, [
    s.WHATSAPP_COLLECTOR_STATUS_GRACE_SECONDS, s.WHATSAPP_COLLECTOR_IDLE_SECONDS,
  ]);
  return Number(rows[0]?.n ?? 0);
}
