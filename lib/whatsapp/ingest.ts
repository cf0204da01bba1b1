import "server-only";
// Accepting a batch: authenticate (401), verify the signature over the raw body (403), limit the
// client's rate (429), validate, store media, then in one statement store the messages — new
// ones `accepted`, replays and same-content copies `duplicate` — and enqueue their extraction.
// Every rejection is counted and logged for `recent_failures` before the error is thrown.
import { createHash } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import { AppError } from "@/lib/platform/errors";
import { processSingleton } from "@/lib/platform/global";
import { leasedLimiter, rateLimiter } from "@/lib/platform/rate-limit";
import { verifyApiKey } from "@/lib/platform/auth/api-keys";
import { enqueueCte, sharedWorkerWaker } from "@/lib/fulfillment/queue";
import { COUNT_CTES_FROM } from "./counters";
import { FAILURE_LOG_CTES, failureParams, recordFailures, type FailureRow } from "./failures";
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

/**
 * Batches a client may spend locally per database round trip of the limiter: 5 % of the limit,
 * 1–10 (120 a minute → 6). Near the limit, N instances may refuse up to N × (lease − 1) batches
 * early (leasedLimiter); never more than the limit in total.
 */
export const rateLimitLease = (points: number) => Math.max(1, Math.min(10, Math.floor(points / 20)));

/** 429 with Retry-After once the client has spent its batches for the window (all instances). */
export async function checkRateLimit(p: pg.Pool, batch: Batch, s: WhatsappSettings = whatsappSettings()): Promise<void> {
  const points = s.WHATSAPP_RATE_LIMIT_BATCHES;
  const windowSeconds = s.WHATSAPP_RATE_LIMIT_WINDOW_SECONDS;
  const limiter = processSingleton(`whatsapp.ingest.limiter.${points}.${windowSeconds}`, () =>
    leasedLimiter(rateLimiter({ name: "whatsapp-ingest", points, windowSeconds }), rateLimitLease(points)),
  );
  const r = await limiter.spend(batch.client_id);
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
  /** For a new message's stored medium: true when this batch stored it first. */
  uploaded: boolean | null;
  task_id: string | null;
}


/**
 * Stores a validated batch in one round trip after its media (content-addressed store): a single
 * statement — atomic on its own, no explicit transaction — inserts the messages, claims their
 * content for dedupe, stores the media rows, enqueues the batch's extraction task, logs media
 * failures, counts, and touches the collector's "last batch".
 *
 * Dedupe of the same content under different ids (two collectors in one group) goes through
 * `whatsapp_content_claims`: INSERT … ON CONFLICT on (chat, content hash) waits for a concurrent
 * claimer and then sees its committed row, which a lookup under the statement's snapshot would not;
 * a claim older than the dedupe window is taken over. Replays of a stored key do not claim.
 */
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
  const ms = unique.map((i) => batch.messages[i]);

  const failures: FailureRow[] = [];
  const stored: { sha: string; type: string; size: number; key: string; ord: number }[] = [];
  batch.messages.forEach((m, i) => {
    const r = media[i];
    if (r && !r.ok) failures.push({ kind: "media", reason: r.reason, clientId: batch.client_id, chatTitle: m.chat_title, detail: r.detail });
    else if (r?.ok && unique.includes(i)) stored.push({ sha: r.sha256, type: r.contentType, size: r.size, key: r.storageKey, ord: i });
  });
  stored.sort((a, b) => (a.sha < b.sha ? -1 : a.sha > b.sha ? 1 : a.ord - b.ord));
  const mediaOk = media.filter((m) => m?.ok).length;
  const notify = sharedWorkerWaker().inline();

  const { rows } = await p.query<Row>({
    // Named: prepared once per pooled connection, so PostgreSQL parses and plans it once, not per batch.
    name: "whatsapp.accept_batch",
    text: `WITH input AS (
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::text[], $10::int[])
         AS x(ord, chat_id, chat_title, message_id, sender, sent_at, text, content_hash, media_sha256, dup_ord)
     ),
     ids AS (SELECT ord, nextval(pg_get_serial_sequence('whatsapp_messages', 'id')) AS id FROM input),
     task AS (SELECT nextval(pg_get_serial_sequence('fulfillment_tasks', 'id')) AS id),
     -- A first copy that is itself a replay: its copies point at the stored row.
     existing AS (
       SELECT i.ord, e.id FROM input i JOIN whatsapp_messages e ON e.client_id = $11 AND e.chat_id = i.chat_id AND e.message_id = i.message_id
        WHERE i.ord IN (SELECT dup_ord FROM input)
     ),
     claims AS (
       INSERT INTO whatsapp_content_claims AS c (chat_id, content_hash, message_row_id, claimed_at)
       SELECT i.chat_id, i.content_hash, ids.id, $13 FROM input i JOIN ids ON ids.ord = i.ord
        WHERE i.dup_ord IS NULL
          AND NOT EXISTS (SELECT 1 FROM whatsapp_messages r WHERE r.client_id = $11 AND r.chat_id = i.chat_id AND r.message_id = i.message_id)
        ORDER BY i.chat_id, i.content_hash
       ON CONFLICT (chat_id, content_hash) DO UPDATE
         SET message_row_id = CASE WHEN c.claimed_at > EXCLUDED.claimed_at - make_interval(secs => $14) THEN c.message_row_id ELSE EXCLUDED.message_row_id END,
             claimed_at = CASE WHEN c.claimed_at > EXCLUDED.claimed_at - make_interval(secs => $14) THEN c.claimed_at ELSE EXCLUDED.claimed_at END
       RETURNING chat_id, content_hash, message_row_id
     ),
     dedupe AS (
       SELECT i.ord, cl.message_row_id AS id FROM input i JOIN ids ON ids.ord = i.ord
         JOIN claims cl ON cl.chat_id = i.chat_id AND cl.content_hash = i.content_hash AND i.dup_ord IS NULL
        WHERE cl.message_row_id <> ids.id
     ),
     ins AS (
       INSERT INTO whatsapp_messages AS m (id, client_id, chat_id, chat_title, message_id, sender, sent_at, text, content_hash, media_sha256, run_id,
                                           status, duplicate_of, received_at, accepted_at, deduped_at, task_id)
       SELECT ids.id, $11, i.chat_id, i.chat_title, i.message_id, i.sender, i.sent_at, i.text, i.content_hash, i.media_sha256, $12,
              CASE WHEN i.dup_ord IS NOT NULL OR d.id IS NOT NULL THEN 'duplicate' ELSE 'accepted' END,
              coalesce(d.id, e.id, f.id), $13,
              CASE WHEN i.dup_ord IS NOT NULL OR d.id IS NOT NULL THEN NULL ELSE clock_timestamp() END, clock_timestamp(),
              CASE WHEN i.dup_ord IS NULL AND d.id IS NULL THEN (SELECT id FROM task) END
         FROM input i
         JOIN ids ON ids.ord = i.ord
         LEFT JOIN ids f ON f.ord = i.dup_ord
         LEFT JOIN existing e ON e.ord = i.dup_ord
         LEFT JOIN dedupe d ON d.ord = i.ord
        ORDER BY i.ord
       ON CONFLICT (client_id, chat_id, message_id) DO UPDATE SET deliveries = m.deliveries + 1
       RETURNING (SELECT ord FROM input WHERE input.chat_id = m.chat_id AND input.message_id = m.message_id) AS ord,
                 m.id, (xmax = 0) AS inserted, m.status, m.duplicate_of
     ),
     fresh AS (SELECT id FROM ins WHERE inserted AND status = 'accepted'),
     ${enqueueCte({ name: "enq", id: "(SELECT id FROM task)", payload: "(SELECT jsonb_build_object('messageIds', jsonb_agg(id::text ORDER BY id)) FROM fresh HAVING count(*) > 0)", typeParam: 15, maxAttemptsParam: 16, notifyParam: 17 })},
     mx AS (
       SELECT x.* FROM unnest($18::text[], $19::text[], $20::int[], $21::text[], $22::int[]) AS x(sha, ct, size, key, ord)
        JOIN ins ON ins.ord = x.ord AND ins.inserted
     ),
     up AS (
       INSERT INTO whatsapp_media AS w (sha256, content_type, size_bytes, storage_key, "references")
       SELECT sha, min(ct), min(size), min(key), count(*) FROM mx GROUP BY sha ORDER BY sha
       ON CONFLICT (sha256) DO UPDATE SET "references" = w."references" + EXCLUDED."references"
       RETURNING sha256, (xmax = 0) AS inserted
     ),
     mres AS (SELECT mx.ord, up.inserted AND mx.ord = (SELECT min(ord) FROM mx m2 WHERE m2.sha = mx.sha) AS uploaded FROM mx JOIN up ON up.sha256 = mx.sha),
     ${COUNT_CTES_FROM(`VALUES ('accepted', (SELECT count(*) FROM fresh)), ('deduped', $23 - (SELECT count(*) FROM fresh)),
                        ('media_uploaded', (SELECT count(*) FROM mres WHERE uploaded)), ('media_deduped', $24 - (SELECT count(*) FROM mres WHERE uploaded)),
                        ('media_failed', $25::bigint)`)},
     ${FAILURE_LOG_CTES(26)},
     touched AS (
       -- At most every 5 s per collector, so batches do not queue on its row lock.
       UPDATE whatsapp_collectors SET last_batch_at = now()
        WHERE id = $11 AND (last_batch_at IS NULL OR last_batch_at < now() - interval '5 seconds') RETURNING 1
     )
     SELECT ins.ord, ins.id::text, ins.inserted, ins.status, ins.duplicate_of::text, mres.uploaded, (SELECT id::text FROM enq) AS task_id,
            (SELECT count(*) FROM enq_woken) AS woken, (SELECT count(*) FROM wa_pruned) AS pruned, (SELECT count(*) FROM touched) AS touched
       FROM ins LEFT JOIN mres ON mres.ord = ins.ord`,
    values: [
      unique, ms.map((m) => m.chat_id), ms.map((m) => m.chat_title), ms.map((m) => m.message_id), ms.map((m) => m.sender),
      ms.map((m) => m.timestamp.toISOString()), ms.map((m) => m.text), unique.map((i) => hashes[i]), unique.map((i) => mediaSha[i]),
      unique.map((i) => inBatchDuplicateOf[i]), batch.client_id, batch.run_id ?? null, receivedAt.toISOString(), s.WHATSAPP_DEDUPE_WINDOW_SECONDS,
      EXTRACT_TASK_TYPE, EXTRACT_MAX_ATTEMPTS, notify,
      stored.map((m) => m.sha), stored.map((m) => m.type), stored.map((m) => m.size), stored.map((m) => m.key), stored.map((m) => m.ord),
      batch.messages.length, mediaOk, failures.length,
      ...failureParams(failures),
    ],
  });
  sharedWorkerWaker().committed(notify);

  const byOrd = new Map(rows.map((r) => [r.ord, r]));
  const messages: MessageResult[] = batch.messages.map((m, i) => {
    const own = byOrd.get(i);
    const first = inBatchDuplicateOf[i] === null ? null : byOrd.get(inBatchDuplicateOf[i]!);
    const row = own ?? first!;
    const isNew = !!own && own.inserted && own.status === "accepted";
    const r = media[i];
    const medium: MessageResult["media"] = !r ? null : !r.ok ? "failed" : own?.inserted && own.uploaded ? "uploaded" : "deduped";
    return { message_id: m.message_id, chat_id: m.chat_id, outcome: isNew ? "accepted" : "duplicate", id: row.id, duplicate_of: isNew ? null : own?.inserted ? own.duplicate_of : row.id, media: medium };
  });
  const accepted = messages.filter((m) => m.outcome === "accepted").length;
  const tally = (o: MessageResult["media"]) => messages.filter((m) => m.media === o).length;
  const result: BatchResult = {
    accepted, deduped: messages.length - accepted, task_id: rows[0]?.task_id ?? null,
    media: { uploaded: tally("uploaded"), deduped: tally("deduped"), failed: tally("failed") }, messages,
  };
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
