import { describe, expect, it } from "vitest";
import { isPlatformFailure } from "./breakers";
import { PlatformFetchError, PlatformTimeoutError } from "./errors";

describe("what counts against a platform's breaker", () => {
  it.each([
    [new PlatformTimeoutError("tiktok", 2000), true],
    [new PlatformFetchError("http_5xx", "503"), true],
    [new PlatformFetchError("network", "ECONNREFUSED"), true],
    [new PlatformFetchError("bad_response", "not JSON"), true],
    [new PlatformFetchError("simulated_outage", "demo outage"), true],
    [new PlatformFetchError("http_4xx", "400 bad request"), false],
    [new PlatformFetchError("unconfigured", "no RECONCILIATION_PLATFORM_X_URL"), false],
  ])("%s → %s", (err, counts) => {
    expect(isPlatformFailure(err)).toBe(counts);
  });
});
