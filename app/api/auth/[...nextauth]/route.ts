import { handlers } from "@/lib/platform/auth/auth";
import { route } from "@/lib/platform/http/route";

// next-auth's own endpoints (sign-in, callback, session, CSRF token): public by nature, CSRF-protected by next-auth.
const policy = { public: true, reason: "next-auth sign-in flow" } as const;
export const GET = route({ route: "/api/auth/[...nextauth]", policy }, async ({ req }) => handlers.GET(req));
export const POST = route({ route: "/api/auth/[...nextauth]", policy }, async ({ req }) => handlers.POST(req));
