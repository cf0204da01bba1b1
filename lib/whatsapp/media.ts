import "server-only";
// Message media, stored once per content under a key named by its sha256 (<2 hex>/<sha256>), in
// a MediaStore: local disk under the data dir, or an S3-compatible bucket when
// WHATSAPP_MEDIA_S3_BUCKET is set (media-s3.ts). Size and type are limited; the declared type must
// match the content's magic bytes. Same key ⇒ same bytes, so a store skips content it already has
// and two writers of one medium racing both write identical bytes.
import { createHash } from "node:crypto";
import { createS3MediaStore } from "./media-s3";
import { createDiskMediaStore, StorageError, type MediaStore } from "./media-store";
import { mediaDir, whatsappSettings, type WhatsappSettings } from "./settings";

let cached: { config: string; store: MediaStore } | null = null;

/** The configured store, built once per configuration (the S3 client keeps its connections). */
export function mediaStore(s: WhatsappSettings = whatsappSettings()): MediaStore {
  const config = JSON.stringify(s.WHATSAPP_MEDIA_S3_BUCKET ? Object.entries(s).filter(([k]) => k.startsWith("WHATSAPP_MEDIA_S3_")) : mediaDir(s));
  if (cached?.config !== config) cached = { config, store: s.WHATSAPP_MEDIA_S3_BUCKET ? createS3MediaStore(s) : createDiskMediaStore(mediaDir(s)) };
  return cached.store;
}

export const MEDIA_FAILURE_REASONS = ["too_large", "type_not_allowed", "content_mismatch", "bad_encoding", "storage_error"] as const;
export type MediaFailureReason = (typeof MEDIA_FAILURE_REASONS)[number];

export interface MediaInput {
  content_type: string;
  data_base64: string;
}

export type StoredMedia = { ok: true; sha256: string; contentType: string; size: number; storageKey: string } | { ok: false; reason: MediaFailureReason; detail: string };

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  "image/jpeg": (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/png": (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  "image/webp": (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
  "application/pdf": (b) => b.subarray(0, 5).toString("latin1") === "%PDF-",
  "audio/ogg": (b) => b.subarray(0, 4).toString("latin1") === "OggS",
  "video/mp4": (b) => b.subarray(4, 8).toString("latin1") === "ftyp",
};

export async function storeMedia(input: MediaInput, s: WhatsappSettings = whatsappSettings(), store: MediaStore = mediaStore(s)): Promise<StoredMedia> {
  const type = input.content_type.toLowerCase().split(";")[0].trim();
  const allowed = s.WHATSAPP_MEDIA_TYPES.split(",").map((t) => t.trim().toLowerCase());
  if (!allowed.includes(type)) return { ok: false, reason: "type_not_allowed", detail: `${type.slice(0, 60)} is not one of ${allowed.join(", ")} (WHATSAPP_MEDIA_TYPES)` };
  const approx = Math.floor((input.data_base64.length * 3) / 4);
  if (approx > s.WHATSAPP_MEDIA_MAX_BYTES + 3) return { ok: false, reason: "too_large", detail: `about ${approx} bytes; the limit is ${s.WHATSAPP_MEDIA_MAX_BYTES} (WHATSAPP_MEDIA_MAX_BYTES)` };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(input.data_base64) || input.data_base64.length % 4 !== 0) {
    return { ok: false, reason: "bad_encoding", detail: "data_base64 is not valid base64" };
  }
  const bytes = Buffer.from(input.data_base64, "base64");
  if (bytes.length === 0) return { ok: false, reason: "bad_encoding", detail: "the media is empty" };
  if (bytes.length > s.WHATSAPP_MEDIA_MAX_BYTES) return { ok: false, reason: "too_large", detail: `${bytes.length} bytes; the limit is ${s.WHATSAPP_MEDIA_MAX_BYTES} (WHATSAPP_MEDIA_MAX_BYTES)` };
  const magic = MAGIC[type];
  if (magic && !magic(bytes)) return { ok: false, reason: "content_mismatch", detail: `declared ${type} but the bytes are not` };
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const storageKey = `${sha256.slice(0, 2)}/${sha256}`;
  try {
    await store.put(storageKey, bytes, type);
  } catch (err) {
    const detail = err instanceof StorageError ? err.message : `the ${store.kind} store failed: ${(err as Error).name}`;
    return { ok: false, reason: "storage_error", detail };
  }
  return { ok: true, sha256, contentType: type, size: bytes.length, storageKey };
}

export async function readMedia(storageKey: string, s: WhatsappSettings = whatsappSettings()): Promise<Buffer> {
  return mediaStore(s).get(storageKey);
}
