import { handlers } from "@/lib/platform/auth/auth";
import { asUserSawIt, authErrorAsJson } from "@/lib/platform/auth/handler-errors";
import { route } from "@/lib/platform/http/route";

// next-auth's own endpoints (sign-in, callback, session, CSRF token): public by nature, CSRF-protected by next-auth.
// Its error answers are rewritten to the API's error shape; its redirects pass through, built for
// the address the user came from (asUserSawIt), not the server's bind address.
const policy = { public: true, reason: "next-auth sign-in flow" } as const;
export const GET = route({ route: "/api/auth/[...nextauth]", policy }, async ({ req, requestId }) => authErrorAsJson(await handlers.GET(await asUserSawIt(req)), req, requestId));
export const POST = route({ route: "/api/auth/[...nextauth]", policy }, async ({ req, requestId }) => authErrorAsJson(await handlers.POST(await asUserSawIt(req)), req, requestId));
