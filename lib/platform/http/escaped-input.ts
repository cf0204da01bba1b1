// The route wrapper's last line of defence: recognise a value the database refused although the
// route's schema let it through, so the caller gets a 400 naming it instead of a 500. Schemas
// should catch these first (schema-types.ts); every hit is counted as a schema gap.

export interface EscapedInput {
  /** The column or Prisma argument, when the error names one. */
  field?: string;
  /** SQLSTATE (class 22) or the Prisma error class. */
  source: string;
  /** Why, in the database's or Prisma's words (one line, no query text). */
  reason: string;
}

type ErrorLike = { name?: unknown; code?: unknown; driverAdapterError?: unknown; originalCode?: unknown; message?: unknown; originalMessage?: unknown; column?: unknown; cause?: unknown; meta?: unknown };

const asObject = (v: unknown): ErrorLike | undefined => (v !== null && typeof v === "object" ? (v as ErrorLike) : undefined);
const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
const DATA_EXCEPTION = /^22[0-9A-Z]{3}$/;

/**
 * PostgreSQL data exceptions (SQLSTATE class 22: out of range, invalid text representation,
 * invalid byte sequence, datetime overflow …): pg's DatabaseError carries `code`; Prisma's driver
 * adapter wraps it as a DriverAdapterError whose `cause` holds `originalCode` (or `code` for kinds
 * it does not map), itself kept in a PrismaClientKnownRequestError's `meta.driverAdapterError`.
 */
function dataException(err: ErrorLike): EscapedInput | null {
  const adapterError = asObject(asObject(err.meta)?.driverAdapterError);
  for (const e of [err, asObject(err.cause), adapterError, asObject(adapterError?.cause)]) {
    const code = str(e?.originalCode) ?? str(e?.code);
    if (e && code && DATA_EXCEPTION.test(code)) {
      const reason = str(e.originalMessage) ?? str(e.message) ?? "data exception";
      return { field: str(e.column), source: code, reason: reason.replace(/\.+$/, "") };
    }
  }
  return null;
}

/** Prisma refusing an argument before any SQL runs (an Invalid Date, a value it cannot convert). */
function prismaArgument(err: ErrorLike): EscapedInput | null {
  const message = str(err.message) ?? "";
  if (err.name === "PrismaClientValidationError") {
    const lines = message.trim().split("\n");
    const reason = lines[lines.length - 1].trim().replace(/\.+$/, "");
    const argument = [...message.matchAll(/argument `([^`]+)`/g)].pop()?.[1];
    // A raw query's "parameters" is Prisma's plumbing, not a field the caller sent.
    return { field: argument === "parameters" ? undefined : argument, source: "PrismaClientValidationError", reason };
  }
  const conversion = /Could not convert argument value .*?"\$type": String\("(\w+)"\)/.exec(message);
  if (conversion) return { source: String(err.name ?? "PrismaClientUnknownRequestError"), reason: `a ${conversion[1]} value is outside what the database stores` };
  return null;
}

export function escapedInput(err: unknown): EscapedInput | null {
  const e = asObject(err);
  return e ? (dataException(e) ?? prismaArgument(e)) : null;
}
