import "server-only";
// Many unknown or revoked API keys from one address is someone guessing keys (or a client with a
// dead key in a retry loop): after API_KEY_MAX_FAILURES_PER_ADDRESS failures a minute the address
// gets 429 with Retry-After for API_KEY_BLOCK_SECONDS, on the shared limiter store.
import { z } from "zod";
import { envFor, envHelpers } from "../env";
import { counter } from "../metrics";
import { rateLimiter, spend } from "../rate-limit";

const settingsSchema = z.object({
  API_KEY_MAX_FAILURES_PER_ADDRESS: envHelpers.int(20),
  API_KEY_BLOCK_SECONDS: envHelpers.int(300),
});

export const apiKeyRejections = counter("auth_api_key_rejections_total", "Requests refused for an unknown, malformed or revoked API key, by outcome (rejected, throttled)", ["outcome"] as const);

/** Records a bad key from `address`; resolves to the seconds to refuse for when the address is over its limit, else 0. */
export async function recordBadApiKey(address: string): Promise<number> {
  const s = envFor("API-key throttling", settingsSchema);
  const limiter = rateLimiter({ name: "apikey-address", points: s.API_KEY_MAX_FAILURES_PER_ADDRESS, windowSeconds: 60, blockSeconds: s.API_KEY_BLOCK_SECONDS });
  const r = await spend(limiter, address);
  apiKeyRejections.inc({ outcome: r.limited ? "throttled" : "rejected" });
  return r.limited ? r.retryAfterSeconds : 0;
}
