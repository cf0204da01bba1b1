// Meta's webhook signature: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the raw request
// body with the app secret. Verification works on the exact bytes received (a re-serialised body
// does not verify) and compares in constant time, whatever length the header has.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export function signBody(raw: Buffer | string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;
}

export function verifySignature(raw: Buffer, header: string | null, secret: string): boolean {
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec((header ?? "").trim());
  const expected = createHmac("sha256", secret).update(raw).digest();
  // A malformed header still costs one comparison of 32 bytes, so timing says nothing about why.
  const given = m ? Buffer.from(m[1], "hex") : Buffer.alloc(32);
  return timingSafeEqual(expected, given) && m !== null;
}

/** Compares secrets of any length in constant time (both sides hashed to 32 bytes first). */
export function safeEqual(a: string, b: string): boolean {
  const h = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
