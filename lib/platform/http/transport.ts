// Where the console is served from, as far as a request can tell, for the same-origin check and
// HSTS. OPSDECK_PUBLIC_URL is authoritative when set. Without it the Host header is; the client
// can also send X-Forwarded-Host/-Proto, so those count only behind a proxy that sets them itself
// (OPSDECK_TRUST_PROXY=true). No Node APIs: proxy.ts imports it too.

/** 365 days; HSTS preload lists and the issue ask for at least 180. */
export const HSTS_MAX_AGE_SECONDS = 31_536_000;

/** OPSDECK_TRUST_PROXY=true: a proxy in front sets the X-Forwarded-* headers itself. */
export const trustProxy = () => process.env.OPSDECK_TRUST_PROXY === "true";

/** The first entry of a header a chain of proxies may have appended to ("a, b"). */
function forwarded(headers: Headers, name: string): string | null {
  if (!trustProxy()) return null;
  return headers.get(name)?.split(",")[0]?.trim().toLowerCase() || null;
}

/** Throws on a malformed value: refusing mutations with a 500 that names the setting beats guessing. */
function publicUrl(): URL | null {
  const raw = process.env.OPSDECK_PUBLIC_URL;
  if (!raw) return null;
  try {
    return new URL(raw);
  } catch {
    throw new Error(`OPSDECK_PUBLIC_URL is not a URL ("${raw}"); set it to the console's address, such as https://opsdeck.example.com.`);
  }
}

/** Whether an Origin header names this console. */
export function isOwnOrigin(origin: string, headers: Headers): boolean {
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  const configured = publicUrl();
  if (configured) return o.origin === configured.origin;
  const host = forwarded(headers, "x-forwarded-host") ?? headers.get("host");
  const proto = forwarded(headers, "x-forwarded-proto");
  if (!host || (proto && o.protocol !== `${proto}:`)) return false;
  try {
    // Parsed with the Origin's scheme so a default port written out ("host:443") still matches.
    return o.host === new URL(`${o.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/** The request reached us over HTTPS, or the console is published on an https:// URL. */
export function servedOverHttps(headers: Headers): boolean {
  // Read without parsing: HSTS must never fail a response (a malformed URL fails the origin check instead).
  return /^https:\/\//i.test(process.env.OPSDECK_PUBLIC_URL ?? "") || forwarded(headers, "x-forwarded-proto") === "https";
}

/** Strict-Transport-Security value for this request, or null on plain HTTP. */
export function hstsHeader(headers: Headers): string | null {
  if (!servedOverHttps(headers)) return null;
  return `max-age=${HSTS_MAX_AGE_SECONDS}${process.env.OPSDECK_HSTS_INCLUDE_SUBDOMAINS === "true" ? "; includeSubDomains" : ""}`;
}

/**
 * The origin the user reached us at, for redirects we or next-auth build: OPSDECK_PUBLIC_URL when
 * set, else the (trusted) forwarded host and scheme, else the Host header with the request's own
 * scheme — never the address the server is bound to (0.0.0.0), which is what `req.url` carries.
 */
export function requestOrigin(headers: Headers, requestUrl: string): string {
  const configured = publicUrl();
  if (configured) return configured.origin;
  const own = new URL(requestUrl);
  const host = forwarded(headers, "x-forwarded-host") ?? headers.get("host");
  const proto = forwarded(headers, "x-forwarded-proto") ?? own.protocol.slice(0, -1);
  if (!host) return own.origin;
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return own.origin;
  }
}
