// Domain code throws these; the route wrapper maps them through one table to one JSON shape.
export type ErrorCode =
  | "unauthenticated"
  | "forbidden"
  | "bad_request"
  /** A value the database refused that no schema caught (see route.ts, http_invalid_input_escaped_total). */
  | "invalid_input"
  | "validation_failed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "payment_declined"
  | "webhook_signature_invalid"
  | "webhook_timestamp_expired"
  | "unavailable"
  | "internal";

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  bad_request: 400,
  invalid_input: 400,
  validation_failed: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  payment_declined: 402,
  webhook_signature_invalid: 400,
  webhook_timestamp_expired: 400,
  unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} was not found. Check the id, or list the collection to find it.`);
export const conflict = (message: string, details?: unknown) => new AppError("conflict", message, details);
export const badRequest = (message: string, details?: unknown) => new AppError("bad_request", message, details);
