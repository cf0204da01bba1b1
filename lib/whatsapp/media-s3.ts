import "server-only";
// Media in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …) through @aws-sdk/client-s3,
// loaded on first use so disk-only deployments never load the SDK. Content-addressed dedupe:
// HeadObject first and PutObject only when the key is missing (a race between two instances
// writes the same bytes twice, which is harmless). Checksums only where S3 requires them: the SDK's
// default extra CRC32 headers are refused by several S3-compatible stores.
import type { S3Client } from "@aws-sdk/client-s3";
import { StorageError, type MediaStore } from "./media-store";
import type { WhatsappSettings } from "./settings";

type Sdk = typeof import("@aws-sdk/client-s3");

function describe(op: string, err: unknown): StorageError {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return new StorageError(
    `S3 ${op} failed: ${e.name ?? "error"}${status ? ` (HTTP ${status})` : ""}; check WHATSAPP_MEDIA_S3_* (endpoint, bucket, credentials) and that the store is reachable`,
  );
}

const notFound = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404;
};

export function createS3MediaStore(s: WhatsappSettings): MediaStore {
  const bucket = s.WHATSAPP_MEDIA_S3_BUCKET!;
  const objectKey = (key: string) => `${s.WHATSAPP_MEDIA_S3_PREFIX}${key}`;
  let client: Promise<{ sdk: Sdk; s3: S3Client }> | null = null;
  const connect = () =>
    (client ??= import("@aws-sdk/client-s3").then((sdk) => ({
      sdk,
      s3: new sdk.S3Client({
        region: s.WHATSAPP_MEDIA_S3_REGION,
        endpoint: s.WHATSAPP_MEDIA_S3_ENDPOINT,
        forcePathStyle: s.WHATSAPP_MEDIA_S3_FORCE_PATH_STYLE,
        credentials: s.WHATSAPP_MEDIA_S3_ACCESS_KEY_ID
          ? { accessKeyId: s.WHATSAPP_MEDIA_S3_ACCESS_KEY_ID, secretAccessKey: s.WHATSAPP_MEDIA_S3_SECRET_ACCESS_KEY ?? "" }
          : undefined,
        maxAttempts: 2,
        requestHandler: { connectionTimeout: s.WHATSAPP_MEDIA_S3_TIMEOUT_MS, requestTimeout: s.WHATSAPP_MEDIA_S3_TIMEOUT_MS },
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      }),
    })));

  return {
    kind: "s3",
    async put(key, bytes, contentType) {
      const { sdk, s3 } = await connect();
      try {
        await s3.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
        return;
      } catch (err) {
        if (!notFound(err)) throw describe("HeadObject", err);
      }
      try {
        await s3.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: objectKey(key), Body: bytes, ContentType: contentType, ContentLength: bytes.length }));
      } catch (err) {
        throw describe("PutObject", err);
      }
    },
    async get(key) {
      const { sdk, s3 } = await connect();
      try {
        const r = await s3.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
        return Buffer.from(await r.Body!.transformToByteArray());
      } catch (err) {
        throw describe("GetObject", err);
      }
    },
  };
}
