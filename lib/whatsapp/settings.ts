import "server-only";
// WhatsApp ingest's environment contract. Parsed on demand so tests can change process.env.
import path from "node:path";
import { z } from "zod";
import { envFor, envHelpers } from "@/lib/platform/env";

const { bool, int } = envHelpers;

const schema = z.object({
  /** The collectors' shared bearer token (an API key with scope ingest:whatsapp works too). */
  WHATSAPP_INGEST_TOKEN: z.string().optional(),
  /** Meta's app secret: X-Hub-Signature-256 is HMAC-SHA256 of the raw body with it. */
  WHATSAPP_APP_SECRET: z.string().optional(),
  /** Answer for Meta's verification handshake (GET with hub.verify_token). */
  WHATSAPP_VERIFY_TOKEN: z.string().optional(),
  /** Batches per collector client per window, across all instances. */
  WHATSAPP_RATE_LIMIT_BATCHES: int(120),
  WHATSAPP_RATE_LIMIT_WINDOW_SECONDS: int(60),
  /** Same content in the same chat within this many seconds counts as a duplicate. */
  WHATSAPP_DEDUPE_WINDOW_SECONDS: int(600),
  WHATSAPP_MAX_BATCH: int(100),
  WHATSAPP_MAX_BODY_BYTES: int(16 * 1024 * 1024),
  WHATSAPP_MEDIA_MAX_BYTES: int(5 * 1024 * 1024),
  WHATSAPP_MEDIA_TYPES: z.string().default("image/jpeg,image/png,image/webp,application/pdf"),
  /** Media go to this S3-compatible bucket when set (else to the data dir). */
  WHATSAPP_MEDIA_S3_BUCKET: z.string().optional(),
  /** For S3-compatible stores (MinIO, Ceph, R2…); unset for AWS S3 itself. */
  WHATSAPP_MEDIA_S3_ENDPOINT: z.string().url().optional(),
  WHATSAPP_MEDIA_S3_REGION: z.string().default("us-east-1"),
  /** Unset: the AWS SDK's default chain (environment, instance role, …). */
  WHATSAPP_MEDIA_S3_ACCESS_KEY_ID: z.string().optional(),
  WHATSAPP_MEDIA_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** bucket in the path (http://host/bucket/key), as MinIO and most self-hosted stores want. */
  WHATSAPP_MEDIA_S3_FORCE_PATH_STYLE: bool(false),
  /** Object keys are <prefix><2 hex>/<sha256>. */
  WHATSAPP_MEDIA_S3_PREFIX: z.string().default("whatsapp-media/"),
  /** Per S3 request, so a stalled store fails the medium instead of holding the batch. */
  WHATSAPP_MEDIA_S3_TIMEOUT_MS: int(5000),
  /** A collector is offline after this long with connection_status other than "open"… */
  WHATSAPP_COLLECTOR_STATUS_GRACE_SECONDS: int(120),
  /** …or without a batches_success increase for this long (or no heartbeat at all for it). */
  WHATSAPP_COLLECTOR_IDLE_SECONDS: int(600),
  /** Retention (lib/whatsapp/retention.ts): messages and their offers, per-minute counters, failure log. */
  WHATSAPP_MESSAGES_RETENTION_DAYS: int(30),
  /** Over the 7 days the panel and Grafana chart, with room for month-over-month questions. */
  WHATSAPP_COUNTERS_RETENTION_DAYS: int(35),
  WHATSAPP_FAILURES_RETENTION_DAYS: int(30),
  /** Demo collectors post a batch this often (seconds). */
  WHATSAPP_SIMULATOR_INTERVAL_SECONDS: z.coerce.number().min(0.2).default(3),
  OPSDECK_DATA_DIR: z.string().default(".data"),
  OPSDECK_DEMO: bool(false),
  OPSDECK_SIMULATOR: bool(false),
  PORT: int(3000),
});

export type WhatsappSettings = z.infer<typeof schema>;

export function whatsappSettings(): WhatsappSettings {
  return envFor("whatsapp", schema);
}

/**
 * Demo mode without configured credentials uses these published values (like the demo users'
 * passwords), so the simulated collectors and the README's harness command line work out of the
 * box. Never used outside demo mode.
 */
export const DEMO_CREDENTIALS = { token: "demo-whatsapp-ingest-token", appSecret: "demo-whatsapp-app-secret", verifyToken: "demo-whatsapp-verify-token" } as const;

export interface IngestCredentials {
  token: string | null;
  appSecret: string | null;
  verifyToken: string | null;
}

export function ingestCredentials(s: WhatsappSettings = whatsappSettings()): IngestCredentials {
  const demo = s.OPSDECK_DEMO;
  return {
    token: s.WHATSAPP_INGEST_TOKEN || (demo ? DEMO_CREDENTIALS.token : null),
    appSecret: s.WHATSAPP_APP_SECRET || (demo ? DEMO_CREDENTIALS.appSecret : null),
    verifyToken: s.WHATSAPP_VERIFY_TOKEN || (demo ? DEMO_CREDENTIALS.verifyToken : null),
  };
}

export function mediaDir(s: WhatsappSettings = whatsappSettings()): string {
  return path.resolve(s.OPSDECK_DATA_DIR, "whatsapp-media");
}
