// Database-safe schema types: what a route's zod schema accepts, PostgreSQL must accept too, so bad
// input is a 400/422 naming the field instead of a database error (a 500). Use these for every
// value that reaches a query: timestamps, ids, free text, JSON, page cursors. The route wrapper's
// last line of defence (invalid_input, http_invalid_input_escaped_total) catches what slips past.
// Client-safe (zod only): filter schemas shared with pages import it.
import { z } from "zod";
import { AppError } from "../errors";

export interface TimestampBounds {
  min: Date;
  max: Date;
}

/**
 * Years 0001–9999: inside both JavaScript's range (±275,760 years) and PostgreSQL's (4713 BC –
 * 294276 AD), and the range whose ISO 8601 text (`toISOString`) PostgreSQL parses back without an
 * era or a sign — the form pg and Prisma send.
 */
export const TIMESTAMP_BOUNDS: TimestampBounds = { min: new Date("0001-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z") };
/** Filters (from/to of a list): nothing Opsdeck stores predates 1970. */
export const FILTER_TIMESTAMP_BOUNDS: TimestampBounds = { min: new Date("1970-01-01T00:00:00.000Z"), max: TIMESTAMP_BOUNDS.max };

const day = (d: Date) => d.toISOString().slice(0, 10);

/** "startsAt must be a date/time between 0001-01-01 and 9999-12-31 (UTC) …", for derived values too. */
export function timestampMessage(field: string, bounds: TimestampBounds = TIMESTAMP_BOUNDS): string {
  return `${field} must be a date/time between ${day(bounds.min)} and ${day(bounds.max)} (UTC), such as 2026-11-23T10:00:00Z`;
}

export function inTimestampBounds(d: Date, bounds: TimestampBounds = TIMESTAMP_BOUNDS): boolean {
  const t = d.getTime();
  return t >= bounds.min.getTime() && t <= bounds.max.getTime();
}

/** A date/time (ISO 8601 text, epoch milliseconds or a Date) inside `bounds`; parses to a Date. */
export function timestamp(field: string, bounds: TimestampBounds = TIMESTAMP_BOUNDS) {
  const message = timestampMessage(field, bounds);
  return z
    .union([z.string(), z.number(), z.date()], { error: message })
    .transform((v) => (v instanceof Date ? v : new Date(v)))
    .pipe(z.date({ error: message }).refine((d) => inTimestampBounds(d, bounds), message));
}

/** A list filter's from/to: years 1970–9999. */
export const filterTimestamp = (field: string) => timestamp(field, FILTER_TIMESTAMP_BOUNDS);

export const BIGINT_MAX = 9223372036854775807n;

/** A bigint primary key sent as digits ("42"): 1 to 2^63−1; normalised (no leading zeros). */
export function bigintId(field: string) {
  const message = `${field} must be an id: digits, from 1 to ${BIGINT_MAX}`;
  const inRange = (s: string) => /^\d{1,19}$/.test(s) && BigInt(s) >= 1n && BigInt(s) <= BIGINT_MAX;
  return z
    .string({ error: message })
    .refine(inRange, message)
    .transform((s) => BigInt(s).toString());
}

/** A uuid primary key. */
export const uuidId = (field: string) => z.uuid({ error: `${field} must be a UUID such as 3f1c2b9e-8a4d-4c1e-9b7a-2d5e6f708192` });

// A NUL cannot be stored in PostgreSQL text or jsonb; a lone UTF-16 surrogate has no UTF-8 form
// (pg would store U+FFFD, silently changing the value; jsonb refuses its \u escape).
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

const unstorableMessage = (field: string) => `${field} contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored; remove it`;

/** Free text PostgreSQL can store. Chain the usual string checks: `text("comment").trim().max(1000)`. */
export const text = (field: string) =>
  // The custom message is for a value that is not a string at all; chained checks (min, max, regex)
  // keep their own messages.
  z.string({ error: (issue) => (issue.code === "invalid_type" ? `${field} must be text` : undefined) }).refine(isStorableText, unstorableMessage(field));

/** JSON nested deeper than this is refused (PostgreSQL's jsonb parser would hit its stack limit long after). */
export const MAX_JSON_DEPTH = 32;

/** The path and reason of the first value in `v` that jsonb cannot store, or null. */
function unstorableJson(v: unknown, path: (string | number)[] = []): { path: (string | number)[]; problem: string } | null {
  if (typeof v === "string") return isStorableText(v) ? null : { path, problem: "contains a NUL character or an unpaired UTF-16 surrogate" };
  if (v === null || typeof v !== "object") return null;
  if (path.length >= MAX_JSON_DEPTH) return { path, problem: `nests deeper than ${MAX_JSON_DEPTH} levels` };
  for (const [k, child] of Object.entries(v)) {
    const at = [...path, Array.isArray(v) ? Number(k) : k];
    if (!isStorableText(k)) return { path: at, problem: "has a key containing a NUL character or an unpaired UTF-16 surrogate" };
    const bad = unstorableJson(child, at);
    if (bad) return bad;
  }
  return null;
}

function refineJson(field: string) {
  return (v: unknown, ctx: z.RefinementCtx) => {
    const bad = unstorableJson(v);
    if (bad) ctx.addIssue({ code: "custom", path: bad.path, message: `${[field, ...bad.path].join(".")} ${bad.problem}, which cannot be stored; remove it` });
  };
}

/** Any JSON value jsonb can store (checked through every key and string). */
export const jsonValue = (field: string) => z.unknown().superRefine(refineJson(field));
/** A JSON object jsonb can store. */
export const jsonObject = (field: string) => z.record(z.string(), z.unknown(), { error: `${field} must be a JSON object` }).superRefine(refineJson(field));

/** Keyset-pagination position: the last row's sort timestamp and bigint id. */
export interface PageCursor {
  at: Date;
  id: string;
}

function base64url(s: string): string {
  const bytes = new TextEncoder().encode(s);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64(s: string): string | null {
  try {
    const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** Opaque to clients: base64url of "<ISO timestamp>|<id>". */
export function encodeCursor(c: { at: Date | string; id: string }): string {
  return base64url(`${c.at instanceof Date ? c.at.toISOString() : c.at}|${c.id}`);
}

const cursorTimestamp = timestamp("cursor");
const cursorId = bigintId("cursor");
const CURSOR_MESSAGE = "cursor is not a page cursor this list returned (it may be cut short or edited); drop it to start from the first page";

/** Decodes a page cursor, validating each part with the types above; null when it is not one. */
export function decodeCursor(cursor: string): PageCursor | null {
  const parts = fromBase64(cursor)?.split("|");
  if (parts?.length !== 2) return null;
  const at = cursorTimestamp.safeParse(parts[0]);
  const id = cursorId.safeParse(parts[1]);
  return at.success && id.success ? { at: at.data, id: id.data } : null;
}

/** A cursor a route already parsed, or the opaque string a caller holds (400 when it is not one). */
export function toPageCursor(cursor: string | PageCursor): PageCursor {
  if (typeof cursor !== "string") return cursor;
  const decoded = decodeCursor(cursor);
  if (!decoded) throw new AppError("bad_request", `The ${CURSOR_MESSAGE}.`);
  return decoded;
}

/** A `cursor` query parameter, parsed to a PageCursor. */
export const pageCursor = z
  .string({ error: CURSOR_MESSAGE })
  .max(200, CURSOR_MESSAGE)
  .transform((s, ctx) => {
    const c = decodeCursor(s);
    if (!c) ctx.addIssue({ code: "custom", message: CURSOR_MESSAGE });
    return c ?? z.NEVER;
  });
