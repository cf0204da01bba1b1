import "server-only";
// Accepting a batch: authenticate (401), verify the signature over the raw body (403), limit the
// client's rate (429), validate, store media, then in one transaction store the messages — new
// ones `accepted`, replays and same-content copies `duplicate` — and enqueue their extraction.
// Every rejection is counted and logged for `recent_failures` before the error is thrown.
import { createHash } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import { AppError } from "@/lib/platform/errors";
import { withTransaction } from "@/lib/platform/pg-transaction";
import { rateLimiter, spend } from "@/lib/platform/rate-limit";
import { verifyApiKey } from "@/lib/platform/auth/api-keys";
import { enqueue } from "@/lib/fulfillment/queue";
import { COUNT_CTES, countParams, type Counts } from "./counters";
import { recordFailures, type FailureRow } from "./failures";
import { storeMedia } from "./media";
import { mediaTotal, messagesTotal, rejectionsTotal } from "./metrics";
import { ingestCredentials, whatsappSettings, type WhatsappSettings } from "./settings";
import { safeEqual, verifySignature } from "./signature";
import { EXTRACT_TASK_TYPE } from "./task-types";

export const EXTRACT_MAX_ATTEMPTS = 5;

const noNul = (s: string) => !s.includes("\u0000");
const text = (max: number) => z.string().max(max).refine(noNul, "must not contain NUL characters");
const id = (what: string) => text(200).min(1, `${what} must not be empty`);

/** Seconds or milliseconds since the epoch (number or numeric string, Meta sends strings), or ISO 8601. */
const timestamp = z.union([z.number(), z.string().max(40)]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : /^\d+(\.\d+)?$/.test(v) ? Number(v) : Date.parse(v);
  const ms = typeof v === "number" || /^\d+(\.\d+)?$/.test(String(v)) ? (n < 1e12 ? n * 1000 : n) : n;
  if (!Number.isFinite(ms) || ms < Date.UTC(2009, 0, 1) || ms > Date.now() + 86_400_000) {
    ctx.addIssue({ code: "custom", message: "timestamp must be epoch seconds/milliseconds or ISO 8601, between 2009 and tomorrow" });
    return z.NEVER;
  }
  return new Date(ms);
});

export const messageSchema = z
  .object({
    message_id: id("message_id"),
    chat_id: id("chat_id"),
    chat_title: text(200).default(""),
    sender: text(200).default(""),
    timestamp,
    text: text(10_000).default(""),
    media: z.object({ content_type: z.string().max(100), data_base64: z.string() }).strict().optional(),
  })
  .strict();

export const batchSchema = z
  .object({
    client_id: z.string().regex(/^[A-Za-z0-9._:@-]{1,64}$/, "client_id is 1–64 letters, digits or . _ : @ -"),
    /** Set by the load harness so its run's messages can be found (GET /chat/tools/diagnostics). */
    run_id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "run_id is 1–64 letters, digits or . _ -").optional(),
    messages: z.array(messageSchema).min(1, "send at least one message"),
  })
  .strict();
export type Batch = z.infer<typeof batchSchema>;

export type Caller = { via: "token" } | { via: "api_key"; name: string };

export interface Labels {
  clientId: string | null;
  chatTitle: string | null;
}

/** Best-effort labels from an unauthenticated body, for the failure log only (never trusted). */
export function labelsOf(raw: Buffer): Labels {
  try {
    const body = JSON.parse(raw.toString("utf8")) as { client_id?: unknown; messages?: { chat_title?: unknown }[] };
    const str = (v: unknown) => (typeof v === "string" ? v.slice(0, 64) : null);
    return { clientId: str(body.client_id), chatTitle: Array.isArray(body.messages) ? str(body.messages[0]?.chat_title) : null };
  } catch {
    return { clientId: null, chatTitle: null };
  }
}

const REJECTIONS = {
  auth_failure: { kind: "auth", status: 401, code: "unauthenticated", counts: { auth_failures: 1 } },
  forbidden: { kind: "auth", status: 403, code: "forbidden", counts: { forbidden: 1 } },
  signature_failure: { kind: "signature", status: 403, code: "forbidden", counts: { forbidden: 1, signature_failures: 1 } },
  rate_limited: { kind: "rate_limit", status: 429, code: "rate_limited", counts: { rate_limited: 1 } },
} as const;

async function reject(p: pg.Pool, why: keyof typeof REJECTIONS, reason: string, labels: Labels, message: string, details?: unknown): Promise<never> {
  const r = REJECTIONS[why];
  await recordFailures(p, [{ kind: r.kind, reason, status: r.status, clientId: labels.clientId, chatTitle: labels.chatTitle }], r.counts);
  rejectionsTotal.inc({ reason: why });
  throw new AppError(r.code, message, details);
}

/** 401 unless the bearer is the ingest token or an API key with scope ingest:whatsapp (403 for another scope). */
export async function authenticate(p: pg.Pool, headers: Headers, peek: () => Promise<Labels>, s: WhatsappSettings = whatsappSettings()): Promise<Caller> {
  const m = /^Bearer\s+(\S{1,512})$/i.exec(headers.get("authorization") ?? "");
  if (!m) return reject(p, "auth_failure", "missing_token", await peek(), 'Authentication required: send "Authorization: Bearer <WHATSAPP_INGEST_TOKEN or an API key with scope ingest:whatsapp>".');
  const creds = ingestCredentials(s);
  if (creds.token && safeEqual(m[1], creds.token)) return { via: "token" };
  const key = await verifyApiKey(m[1]);
  if (!key) return reject(p, "auth_failure", "invalid_token", await peek(), "The bearer token is neither WHATSAPP_INGEST_TOKEN nor a valid API key: check the collector's token, or ask an admin for a key with scope ingest:whatsapp.");
  if (!key.scopes.includes("ingest:whatsapp")) {
    return reject(p, "forbidden", "scope_missing", await peek(), 'This API key lacks the "ingest:whatsapp" scope. Create a key with that scope for the collector.');
  }
  return { via: "api_key", name: key.name };
}

/** 403 unless X-Hub-Signature-256 is the HMAC-SHA256 of these exact bytes with WHATSAPP_APP_SECRET. */
export async function checkSignature(p: pg.Pool, headers: Headers, raw: Buffer, s: WhatsappSettings = whatsappSettings()): Promise<void> {
  const secret = ingestCredentials(s).appSecret;
  if (!secret) throw new AppError("unavailable", "Signature verification is not configured: set WHATSAPP_APP_SECRET (Meta's app secret).");
  const header = headers.get("x-hub-signature-256");
  if (verifySignature(raw, header, secret)) return;
  await reject(
    p, "signature_failure", header ? "signature_mismatch" : "signature_missing", labelsOf(raw),
    header
      ? "X-Hub-Signature-256 does not match the body: sign the exact bytes you send (HMAC-SHA256 with WHATSAPP_APP_SECRET), and do not re-serialise the JSON after signing."
      : 'X-Hub-Signature-256 is missing: send "sha256=<hex HMAC-SHA256 of the raw body with WHATSAPP_APP_SECRET>".',
  );
}

/** Parses JSON bytes against a schema: 400 when not JSON, 422 naming the first problem. */
export function parseJson<T extends z.ZodType>(raw: Buffer, schema: T, what: string): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw new AppError("bad_request", `The body is not valid JSON: ${(err as Error).message}.`);
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    const at = first?.path.length ? ` at "${first.path.join(".")}"` : "";
    throw new AppError("validation_failed", `Invalid ${what}${at}: ${first?.message ?? "invalid"}.`, r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  return r.data;
}

export function parseBatch(raw: Buffer, s: WhatsappSettings = whatsappSettings()): Batch {
  const batch = parseJson(raw, batchSchema, "batch");
  if (batch.messages.length > s.WHATSAPP_MAX_BATCH) {
    throw new AppError("validation_failed", `A batch holds at most ${s.WHATSAPP_MAX_BATCH} messages (got ${batch.messages.length}); split it (WHATSAPP_MAX_BATCH).`);
  }
  return batch;
}

/** 429 with Retry-After once the client has spent its batches for the window (all instances). */
export async function checkRateLimit(p: pg.Pool, batch: Batch, s: WhatsappSettings = whatsappSettings()): Promise<void> {
  const limiter = rateLimiter({ name: "whatsapp-ingest", points: s.WHATSAPP_RATE_LIMIT_BATCHES, windowSeconds: s.WHATSAPP_RATE_LIMIT_WINDOW_SECONDS });
  const r = await spend(limiter, batch.client_id);
  if (!r.limited) return;
  await reject(
    p, "rate_limited", "rate_limited", { clientId: batch.client_id, chatTitle: batch.messages[0]?.chat_title ?? null },
    `Client ${batch.client_id} sent more than ${s.WHATSAPP_RATE_LIMIT_BATCHES} batches in ${s.WHATSAPP_RATE_LIMIT_WINDOW_SECONDS} s; retry in ${r.retryAfterSeconds} s, or send fewer, larger batches.`,
    { retry_after_seconds: r.retryAfterSeconds },
  );
}

export function contentHash(text: string, mediaSha: string | null): string {
  const normalised = text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  return createHash("sha256").update(`${normalised}\n${mediaSha ?? ""}`).digest("hex");
}

export interface MessageResult {
  message_id: string;
  chat_id: string;
  outcome: "accepted" | "duplicate";
  id: string;
  duplicate_of: string | null;
  media: "uploaded" | "deduped" | "failed" | null;
}

export interface BatchResult {
  accepted: number;
  deduped: number;
  task_id: string | null;
  media: { uploaded: number; deduped: number; failed: number };
  messages: MessageResult[];
}

interface Row {
  ord: number;
  id: string;
  inserted: boolean;
  status: string;
  duplicate_of: string | null;
}

/** Stores a validated batch: media first (content-addressed files), then messages, counters and the extraction task in one transaction. */
export async function acceptBatch(p: pg.Pool, batch: Batch, receivedAt: Date, s: WhatsappSettings = whatsappSettings()): Promise<BatchResult> {
  const media = await Promise.all(batch.messages.map((m) => (m.media ? storeMedia(m.media, s) : null)));
  const mediaSha = media.map((m) => (m?.ok ? m.sha256 : null));
  const hashes = batch.messages.map((m, i) => contentHash(m.text, mediaSha[i]));
  // The same key twice in one batch, or the same content in one chat: only the first is new.
  const firstByKey = new Map<string, number>();
  const firstByContent = new Map<string, number>();
  const inBatchDuplicateOf = batch.messages.map((m, i) => {
    const key = `${m.chat_id}\u0000${m.message_id}`;
    const content = `${m.chat_id}\u0000${hashes[i]}`;
    const prior = firstByKey.get(key) ?? firstByContent.get(content);
    if (!firstByKey.has(key)) firstByKey.set(key, i);
    if (!firstByContent.has(content)) firstByContent.set(content, i);
    return prior ?? null;
  });
  const unique = batch.messages.map((_, i) => i).filter((i) => inBatchDuplicateOf[i] === null || firstByKey.get(`${batch.messages[i].chat_id}\u0000${batch.messages[i].message_id}`) === i);

  const result = await withTransaction(p, async (client) => {
    // Same content from two requests at once: serialise on (chat, hash) so the second sees the first.
    const lockKeys = [...new Set(unique.map((i) => `${hashes[i]}:${batch.messages[i].chat_id}`))].sort();
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended(k, 7)) FROM unnest($1::text[]) AS k ORDER BY k`, [lockKeys]);
    const ms = unique.map((i) => batch.messages[i]);
    const { rows } = await client.query<Row>(
      `WITH input AS (
         SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::boolean[])
           AS x(ord, chat_id, chat_title, message_id, sender, sent_at, text, content_hash, media_sha256, batch_dup)
       )
       INSERT INTO whatsapp_messages AS m (client_id, chat_id, chat_title, message_id, sender, sent_at, text, content_hash, media_sha256, run_id,
                                           status, duplicate_of, received_at, accepted_at, deduped_at)
       SELECT $11, i.chat_id, i.chat_title, i.message_id, i.sender, i.sent_at, i.text, i.content_hash, i.media_sha256, $12,
              CASE WHEN i.batch_dup OR d.id IS NOT NULL THEN 'duplicate' ELSE 'accepted' END, d.id, $13,
              CASE WHEN i.batch_dup OR d.id IS NOT NULL THEN NULL ELSE clock_timestamp() END, clock_timestamp()
         FROM input i
         LEFT JOIN LATERAL (
           SELECT o.id FROM whatsapp_messages o
            WHERE o.chat_id = i.chat_id AND o.content_hash = i.content_hash AND o.status <> 'duplicate'
              AND o.received_at > $13::timestamptz - make_interval(secs => $14)
            ORDER BY o.received_at DESC LIMIT 1
         ) d ON NOT i.batch_dup
        ORDER BY i.ord
       ON CONFLICT (client_id, chat_id, message_id) DO UPDATE SET deliveries = m.deliveries + 1
       RETURNING (SELECT ord FROM input WHERE input.chat_id = m.chat_id AND input.message_id = m.message_id) AS ord,
                 m.id::text, (xmax = 0) AS inserted, m.status, m.duplicate_of::text`,
      [
        unique, ms.map((m) => m.chat_id), ms.map((m) => m.chat_title), ms.map((m) => m.message_id), ms.map((m) => m.sender),
        ms.map((m) => m.timestamp.toISOString()), ms.map((m) => m.text), unique.map((i) => hashes[i]), unique.map((i) => mediaSha[i]),
        unique.map((i) => inBatchDuplicateOf[i] !== null), batch.client_id, batch.run_id ?? null, receivedAt.toISOString(), s.WHATSAPP_DEDUPE_WINDOW_SECONDS,
      ],
    );
    const byOrd = new Map(rows.map((r) => [r.ord, r]));
    // In-batch content copies point at the first copy's row.
    const fixups = unique.filter((i) => inBatchDuplicateOf[i] !== null && byOrd.get(i)?.inserted);
    if (fixups.length) {
      await client.query(`UPDATE whatsapp_messages SET duplicate_of = x.dup FROM unnest($1::bigint[], $2::bigint[]) AS x(id, dup) WHERE whatsapp_messages.id = x.id`, [
        fixups.map((i) => byOrd.get(i)!.id), fixups.map((i) => byOrd.get(inBatchDuplicateOf[i]!)!.id),
      ]);
      for (const i of fixups) byOrd.get(i)!.duplicate_of = byOrd.get(inBatchDuplicateOf[i]!)!.id;
    }
    const fresh = rows.filter((r) => r.inserted && r.status === "accepted").map((r) => r.id);
    let taskId: string | null = null;
    if (fresh.length) {
      const [t] = await enqueue(client, [{ taskType: EXTRACT_TASK_TYPE, payload: { messageIds: fresh }, maxAttempts: EXTRACT_MAX_ATTEMPTS }]);
      taskId = t.toString();
    }
    // Media: each stored file referenced once per new message; failures logged for triage.
    const mediaOutcome = new Map<number, MessageResult["media"]>();
    const shas: string[] = [], types: string[] = [], sizes: number[] = [], keys: string[] = [], ords: number[] = [];
    const failures: FailureRow[] = [];
    batch.messages.forEach((m, i) => {
      const r = media[i];
      if (!r) return;
      if (!r.ok) {
        mediaOutcome.set(i, "failed");
        failures.push({ kind: "media", reason: r.reason, clientId: batch.client_id, chatTitle: m.chat_title, detail: r.detail });
      } else if (byOrd.get(i)?.inserted) {
        shas.push(r.sha256); types.push(r.contentType); sizes.push(r.size); keys.push(r.storageKey); ords.push(i);
      } else {
        mediaOutcome.set(i, "deduped");
      }
    });
    if (shas.length) {
      const { rows: stored } = await client.query<{ ord: number; inserted: boolean }>(
        `WITH x AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::int[]) AS x(sha, ct, size, key, ord) ORDER BY sha),
         up AS (
           INSERT INTO whatsapp_media AS w (sha256, content_type, size_bytes, storage_key, "references")
           SELECT sha, min(ct), min(size), min(key), count(*) FROM x GROUP BY sha ORDER BY sha
           ON CONFLICT (sha256) DO UPDATE SET "references" = w."references" + EXCLUDED."references"
           RETURNING sha256, (xmax = 0) AS inserted
         )
         SELECT x.ord, up.inserted AND x.ord = (SELECT min(ord) FROM x x2 WHERE x2.sha = x.sha) AS inserted FROM x JOIN up ON up.sha256 = x.sha`,
        [shas, types, sizes, keys, ords],
      );
      for (const r of stored) mediaOutcome.set(r.ord, r.inserted ? "uploaded" : "deduped");
    }
    const tally = (o: MessageResult["media"]) => [...mediaOutcome.values()].filter((v) => v === o).length;
    const messages: MessageResult[] = batch.messages.map((m, i) => {
      const own = byOrd.get(i);
      const first = inBatchDuplicateOf[i] === null ? null : byOrd.get(inBatchDuplicateOf[i]!);
      const row = own ?? first!;
      const isNew = !!own && own.inserted && own.status === "accepted";
      return {
        message_id: m.message_id, chat_id: m.chat_id, outcome: isNew ? "accepted" : "duplicate", id: row.id,
        duplicate_of: isNew ? null : own?.inserted ? own.duplicate_of : row.id, media: mediaOutcome.get(i) ?? null,
      };
    });
    const accepted = messages.filter((m) => m.outcome === "accepted").length;
    const counts: Counts = {
      accepted, deduped: messages.length - accepted, media_uploaded: tally("uploaded"), media_deduped: tally("deduped"), media_failed: tally("failed"),
    };
    if (failures.length) await recordFailures(client, failures, counts);
    // One round trip: the counters, the messages' task, and the collector's "last batch" (touched
    // at most every 5 s per collector, so batches do not queue on its row lock).
    await client.query(
      `WITH ${COUNT_CTES(1)},
       tasked AS (UPDATE whatsapp_messages SET task_id = $3 WHERE $3::bigint IS NOT NULL AND id = ANY($4::bigint[]) RETURNING 1),
       touched AS (
         UPDATE whatsapp_collectors SET last_batch_at = now()
          WHERE id = $5 AND (last_batch_at IS NULL OR last_batch_at < now() - interval '5 seconds') RETURNING 1
       )
       SELECT (SELECT count(*) FROM tasked), (SELECT count(*) FROM touched)`,
      [...(failures.length ? [[], []] : countParams(counts)), taskId, fresh, batch.client_id],
    );
    return { accepted, deduped: messages.length - accepted, task_id: taskId, media: { uploaded: tally("uploaded"), deduped: tally("deduped"), failed: tally("failed") }, messages };
  });
  messagesTotal.inc({ outcome: "accepted" }, result.accepted);
  messagesTotal.inc({ outcome: "deduped" }, result.deduped);
  for (const o of ["uploaded", "deduped", "failed"] as const) mediaTotal.inc({ outcome: o }, result.media[o]);
  return result;
}

/** Reads at most this much of an unauthenticated body, only to label its failure. */
const PEEK_BYTES = 256 * 1024;

/** The whole endpoint in order: 401 (before reading the body), 403, 400/422, 429, accept. */
export async function ingest(p: pg.Pool, headers: Headers, readBody: (limit: number) => Promise<Buffer>, receivedAt: Date): Promise<BatchResult> {
  const s = whatsappSettings();
  await authenticate(p, headers, async () => labelsOf(await readBody(PEEK_BYTES).catch(() => Buffer.alloc(0))), s);
  const raw = await readBody(s.WHATSAPP_MAX_BODY_BYTES);
  await checkSignature(p, headers, raw, s);
  const batch = parseBatch(raw, s);
  await checkRateLimit(p, batch, s);
  return acceptBatch(p, batch, receivedAt, s);
}
