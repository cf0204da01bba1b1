// Failure vocabulary shared by handlers, the provider adapter and the worker: which errors retry,
// how long to wait, and how errors are grouped (fingerprint) in the dead-letter console.
import { createHash } from "node:crypto";

/** Thrown by a handler when retrying cannot help (bad request, unknown SKU…): dead-letter at once. */
export class NonRetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NonRetryableError";
  }
}

export function isNonRetryable(err: unknown): boolean {
  return err instanceof NonRetryableError || (err as { retryable?: unknown })?.retryable === false;
}

/**
 * Exponential backoff with full jitter: delay = random(0, min(cap, base · 2^(attempt−1))).
 * `attempt` is the attempt that just failed (1-based). Full jitter spreads retries of a burst.
 */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.floor(random() * ceiling);
}

/** Strips the parts of a message that vary per task (ids, numbers, hex) so alike failures group. */
export function normaliseMessage(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
    .replace(/\b0x[0-9a-f]+\b/gi, "<hex>")
    .replace(/\b[0-9a-f]*\d[0-9a-f]*\b/gi, (m) => (m.length >= 8 ? "<hex>" : m))
    .replace(/\d+(\.\d+)?/g, "<n>")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 500);
}

/** The first "at …" line of a stack, without line/column numbers (they move with every deploy). */
export function topFrame(stack: string | undefined): string {
  const line = stack?.split("\n").find((l) => l.trim().startsWith("at "));
  if (!line) return "";
  return line
    .trim()
    .replace(/\(?(?:file:\/\/)?[^\s()]*[\\/]([^\\/\s()]+?)(?::\d+)+\)?$/, "($1)")
    .replace(/:\d+/g, "");
}

export function errorClass(err: unknown): string {
  if (err instanceof Error) return (err.name && err.name !== "Error" ? err.name : err.constructor.name) || "Error";
  return typeof err;
}

export function errorFingerprint(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const stack = err instanceof Error ? err.stack : undefined;
  return createHash("sha1").update(`${errorClass(err)}\n${normaliseMessage(message)}\n${topFrame(stack)}`).digest("hex").slice(0, 16);
}
