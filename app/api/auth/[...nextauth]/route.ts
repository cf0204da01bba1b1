import { handlers } from "@/lib/platform/auth/auth";
import { authErrorAsJson } from "@/lib/platform/auth/handler-errors";
import { route } from "@/lib/platform/http/route";

// next-auth's own endpoints (sign-in, callback, session, CSRF token): public by nature, CSRF-protected by next-auth.
// Its error answers are rewritten to the API's error shape; its redirects pass through.
const policy = { public: true, reason: "next-auth sign-in flow" } as const;
export const GET = route({ route: "/api/auth/[...nextauth]", policy }, async ({ req, requestId }) => authErrorAsJson(await handlers.GET(req), req, requestId));
export const POST = route({ route: "/api/auth/[...nextauth]", policy }, async ({ req, requestId }) => authErrorAsJson(await handlers.POST(req), req, requestId));
