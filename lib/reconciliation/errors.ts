// What a platform fetch can fail with: a bounded `code` for logs, attempt rows and missing_reason.
export type FetchErrorCode = "http_5xx" | "http_4xx" | "network" | "bad_response" | "unconfigured" | "simulated_outage";

export class PlatformFetchError extends Error {
  constructor(
    readonly code: FetchErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "PlatformFetchError";
  }
}

export class PlatformTimeoutError extends Error {
  constructor(
    readonly platform: string,
    readonly timeoutMs: number,
  ) {
    super(`${platform} did not answer within ${timeoutMs} ms`);
    this.name = "PlatformTimeoutError";
  }
}

