// Calling a route handler the way Next.js does, for route tests on the real database. The test file
// itself mocks "@/lib/platform/auth/identity" (vi.mock is hoisted per file) and sets the session.
import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import type { SessionIdentity } from "@/lib/platform/auth/identity";

export type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** GET without a body, POST with a JSON body; answers the status and the parsed JSON. */
export async function callRoute(handler: Handler, url: string, opts: { body?: unknown; params?: Record<string, string> } = {}) {
  const req = new NextRequest(`http://localhost${url}`, {
    method: opts.body === undefined ? "GET" : "POST",
    headers: opts.body === undefined ? {} : { "content-type": "application/json" },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  return { status: res.status, json: await res.json() };
}

/** A signed-in user of `role` (`<role>@test.local`), or null for no session. */
export function sessionFor(role: SessionIdentity["role"] | null): SessionIdentity | null {
  return role ? { kind: "session", userId: randomUUID(), email: `${role}@test.local`, role } : null;
}
