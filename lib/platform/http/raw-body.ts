// Reads a request body as bytes within a size limit (declared length checked first, then counted
// while streaming), for JSON bodies and for routes that must see the exact bytes (signatures).
import { AppError } from "../errors";

export async function readRawBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > limit) throw new AppError("payload_too_large", `Body is ${declared} bytes; the limit is ${limit} bytes.`);
  const reader = req.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new AppError("payload_too_large", `Body exceeds the limit of ${limit} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
