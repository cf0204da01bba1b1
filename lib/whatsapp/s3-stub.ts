// A local S3 stand-in for tests: PutObject, HeadObject and GetObject on path-style URLs
// (/bucket/key) over 127.0.0.1, refusing (403 SignatureDoesNotMatch) any request whose AWS
// Signature V4 does not verify against the known secret. `failPuts` makes PutObject answer 500.
import { createHash, createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface S3Stub {
  url: string;
  objects: Map<string, { body: Buffer; contentType: string }>;
  /** Every request as "METHOD /bucket/key", signed or not. */
  log: string[];
  failPuts: boolean;
  close(): Promise<void>;
}

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** Recomputes the SigV4 signature of a request (S3 flavour: the path is not double-encoded). */
function signatureValid(req: http.IncomingMessage, body: Buffer, accessKeyId: string, secret: string, region: string): boolean {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? "");
  if (!m || m[1] !== accessKeyId || m[3] !== region) return false;
  const [, , date, , signedHeaders, signature] = m;
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  const payloadHash = String(req.headers["x-amz-content-sha256"] ?? "");
  if (!amzDate.startsWith(date)) return false;
  if (payloadHash !== "UNSIGNED-PAYLOAD" && payloadHash !== sha256(body)) return false;
  const url = new URL(req.url ?? "/", "http://stub");
  const query = [...url.searchParams].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).sort().join("&");
  const headers = signedHeaders.split(";").map((h) => `${h}:${String(req.headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonical = [req.method, url.pathname, query, headers, signedHeaders, payloadHash].join("\n");
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), "s3"), "aws4_request");
  return hmac(key, toSign).toString("hex") === signature;
}

export async function startS3Stub(opts: { accessKeyId: string; secretAccessKey: string; region: string }): Promise<S3Stub> {
  const objects: S3Stub["objects"] = new Map();
  const log: string[] = [];
  const stub = { objects, log, failPuts: false } as S3Stub;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const key = decodeURIComponent(new URL(req.url ?? "/", "http://stub").pathname);
      log.push(`${req.method} ${key}`);
      const xml = (status: number, code: string) => {
        res.writeHead(status, { "content-type": "application/xml" });
        res.end(req.method === "HEAD" ? undefined : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
      };
      if (!signatureValid(req, body, opts.accessKeyId, opts.secretAccessKey, opts.region)) return xml(403, "SignatureDoesNotMatch");
      const obj = objects.get(key);
      if (req.method === "PUT") {
        if (stub.failPuts) return xml(500, "InternalError");
        objects.set(key, { body, contentType: String(req.headers["content-type"] ?? "") });
        res.writeHead(200, { etag: `"${sha256(body).slice(0, 32)}"` });
        return res.end();
      }
      if (req.method === "HEAD" || req.method === "GET") {
        if (!obj) return xml(404, "NoSuchKey");
        res.writeHead(200, { "content-type": obj.contentType, "content-length": obj.body.length });
        return res.end(req.method === "GET" ? obj.body : undefined);
      }
      xml(405, "MethodNotAllowed");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return stub;
}
