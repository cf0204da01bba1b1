import { trustProxy } from "./transport";

/**
 * The caller's address as the request reports it, for per-address limits and audit rows. Next.js
 * records the socket's address in X-Forwarded-For only when the request has none, so without a
 * trusted proxy that overwrites the header the address is the client's own claim: per-address
 * limits then slow naive clients only, and per-account limits are the guarantee. With
 * OPSDECK_TRUST_PROXY=true the first entry (the client as the proxy saw it) is used.
 */
export function clientAddress(headers: Headers): string {
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  const address = trustProxy() ? hops[0] : hops.at(-1);
  return (address ?? headers.get("x-real-ip") ?? "unknown").slice(0, 64);
}
