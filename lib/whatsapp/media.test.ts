// The S3-compatible media store against a local S3 stand-in that verifies every request's SigV4
// signature: upload, content-addressed dedupe (HeadObject, no second PutObject), read back, and a
// failing store → media_failed with the reason in the failure log while the message is kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { pool } from "@/lib/platform/db";
import { acceptBatch, batchSchema } from "./ingest";
import { mediaStore, readMedia, storeMedia } from "./media";
import { startS3Stub, type S3Stub } from "./s3-stub";
import { whatsappSettings } from "./settings";

const CREDS = { accessKeyId: "AKIDWATEST", secretAccessKey: `wa-s3-secret-${randomBytes(6).toString("hex")}`, region: "eu-west-1" };
const png = () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);
const run = randomBytes(3).toString("hex");
let stub: S3Stub;

function configure(over: Record<string, string> = {}) {
  Object.assign(process.env, {
    WHATSAPP_MEDIA_S3_BUCKET: "wa-media",
    WHATSAPP_MEDIA_S3_ENDPOINT: stub.url,
    WHATSAPP_MEDIA_S3_REGION: CREDS.region,
    WHATSAPP_MEDIA_S3_ACCESS_KEY_ID: CREDS.accessKeyId,
    WHATSAPP_MEDIA_S3_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
    WHATSAPP_MEDIA_S3_FORCE_PATH_STYLE: "true",
    WHATSAPP_MEDIA_S3_TIMEOUT_MS: "3000",
    ...over,
  });
}

beforeAll(async () => {
  stub = await startS3Stub(CREDS);
  configure();
});

afterAll(async () => {
  for (const k of Object.keys(process.env)) if (k.startsWith("WHATSAPP_MEDIA_S3_")) delete process.env[k];
  await stub?.close();
});

describe("S3-compatible media store", () => {
  it("uploads once per sha256 (HeadObject, then PutObject only when missing) with signed requests, and reads back", async () => {
    expect(mediaStore().kind).toBe("s3");
    const bytes = png();
    const sha = createHash("sha256").update(bytes).digest("hex");
    const key = `/wa-media/whatsapp-media/${sha.slice(0, 2)}/${sha}`;
    const input = { content_type: "image/png", data_base64: bytes.toString("base64") };

    const first = await storeMedia(input);
    expect(first).toEqual({ ok: true, sha256: sha, contentType: "image/png", size: bytes.length, storageKey: `${sha.slice(0, 2)}/${sha}` });
    expect(stub.objects.get(key)).toEqual({ body: bytes, contentType: "image/png" });
    expect(stub.log.filter((l) => l.endsWith(key))).toEqual([`HEAD ${key}`, `PUT ${key}`]);

    expect(await storeMedia(input)).toEqual(first);
    expect(stub.log.filter((l) => l.endsWith(key))).toEqual([`HEAD ${key}`, `PUT ${key}`, `HEAD ${key}`]);

    expect(await readMedia(first.ok ? first.storageKey : "")).toEqual(bytes);
  });

  it("fails the medium, naming the S3 error but not the secret, when the signature does not verify", async () => {
    configure({ WHATSAPP_MEDIA_S3_SECRET_ACCESS_KEY: "not-the-secret" });
    try {
      const r = await storeMedia({ content_type: "image/png", data_base64: png().toString("base64") });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.reason).toBe("storage_error");
      expect(r.detail).toMatch(/^S3 HeadObject failed: .*\(HTTP 403\); check WHATSAPP_MEDIA_S3_/);
      expect(r.detail).not.toContain("not-the-secret");
    } finally {
      configure();
    }
  });
});

describe("ingest with the S3 store", () => {
  const batch = (messages: { text: string; media?: Buffer }[]) =>
    batchSchema.parse({
      client_id: `s3-client-${run}`,
      messages: messages.map((m, i) => ({
        message_id: `wamid-${run}-${randomBytes(4).toString("hex")}-${i}`, chat_id: `chat-s3-${run}`, chat_title: "S3 traders", timestamp: Math.floor(Date.now() / 1000), text: m.text,
        ...(m.media ? { media: { content_type: "image/png", data_base64: m.media.toString("base64") } } : {}),
      })),
    });

  it("counts uploads and dedupes, and on a store failure keeps the message, counts media_failed and logs the reason", async () => {
    const photo = png();
    const ok = await acceptBatch(pool(), batch([{ text: `photo a ${run}`, media: photo }, { text: `photo b ${run}`, media: photo }]), new Date());
    expect(ok.media).toEqual({ uploaded: 1, deduped: 1, failed: 0 });
    const puts = stub.log.filter((l) => l.startsWith("PUT"));

    stub.failPuts = true;
    try {
      const res = await acceptBatch(pool(), batch([{ text: `photo c ${run}`, media: png() }]), new Date());
      expect(res.accepted).toBe(1);
      expect(res.messages[0]).toMatchObject({ outcome: "accepted", media: "failed" });
      // The SDK retries once (maxAttempts 2): two PUTs, then the failure.
      expect(stub.log.filter((l) => l.startsWith("PUT")).length).toBe(puts.length + 2);
      const { rows: msg } = await pool().query(`SELECT text, media_sha256, status FROM whatsapp_messages WHERE id = $1`, [res.messages[0].id]);
      expect(msg[0]).toEqual({ text: `photo c ${run}`, media_sha256: null, status: "accepted" });
      const { rows: failures } = await pool().query(`SELECT kind, reason, detail FROM whatsapp_failures WHERE client_id = $1 ORDER BY id DESC LIMIT 1`, [`s3-client-${run}`]);
      expect(failures[0]).toMatchObject({ kind: "media", reason: "storage_error" });
      expect(failures[0].detail).toMatch(/^S3 PutObject failed: .*\(HTTP 500\)/);
      expect(failures[0].detail).not.toContain(CREDS.secretAccessKey);
    } finally {
      stub.failPuts = false;
    }
    expect(whatsappSettings().WHATSAPP_MEDIA_S3_BUCKET).toBe("wa-media");
  });
});
