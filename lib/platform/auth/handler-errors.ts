import "server-only";
// next-auth answers its own errors with a JSON string ("Bad request.") or a bare status; API
// callers get the one error shape instead. Redirects (the browser flows, errors included: they go
// to /signin?error=…) pass through untouched.
import { NextRequest, NextResponse } from "next/server";
import { requestOrigin } from "../http/transport";
import { errorBody } from "../http/route";
import { logger } from "../logger";
import type { ErrorCode } from "../errors";

const SIGN_IN_HELP = "Browsers sign in at /signin; scripts call the API with an API key (Authorization: Bearer opsk_…).";

function describe(status: number, what: string, requestId: string): { code: ErrorCode; message: string } {
  if (status === 401) return { code: "unauthenticated", message: `Sign-in was refused for ${what}. Check the credentials and try again. ${SIGN_IN_HELP}` };
  if (status === 403) return { code: "forbidden", message: `Sign-in is not allowed for ${what}. Ask an admin.` };
  if (status === 404) return { code: "not_found", message: `No sign-in endpoint ${what}. ${SIGN_IN_HELP}` };
  if (status >= 500) {
    return { code: "internal", message: `Sign-in failed on the server, often its configuration (AUTH_SECRET, OIDC settings). Quote request id ${requestId} to find it in the logs.` };
  }
  return { code: "bad_request", message: `The sign-in endpoint cannot handle ${what}: it is not a next-auth action, or its body is not a form or a JSON object. ${SIGN_IN_HELP}` };
}

export async function authErrorAsJson(res: Response, req: Request, requestId: string): Promise<Response> {
  if (res.status < 400) return res;
  const what = `${req.method} ${new URL(req.url).pathname}`;
  const said = (await res.text()).slice(0, 200);
  logger[res.status >= 500 ? "error" : "warn"]({ requestId, status: res.status, said, request: what }, "auth endpoint answered an error");
  const { code, message } = describe(res.status, what, requestId);
  const out = NextResponse.json(errorBody(code, message), { status: res.status });
  for (const cookie of res.headers.getSetCookie()) out.headers.append("set-cookie", cookie);
  return out;
}

/**
 * The request as next-auth should see it: at the origin the user used (requestOrigin), with
 * X-Forwarded-Host/-Proto replaced by that decision, because next-auth builds its redirect URLs
 * from those headers and would otherwise believe whatever a client sends, or fall back to the
 * bind address.
 */
export async function asUserSawIt(req: NextRequest): Promise<NextRequest> {
  const origin = new URL(requestOrigin(req.headers, req.url));
  const url = new URL(req.url);
  const headers = new Headers(req.headers);
  headers.set("x-forwarded-host", origin.host);
  headers.set("x-forwarded-proto", origin.protocol.slice(0, -1));
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
  return new NextRequest(new URL(`${url.pathname}${url.search}`, origin), { method: req.method, headers, body });
}
