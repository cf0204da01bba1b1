import "server-only";
import { processSingleton } from "../global";
import { singleFlightCache } from "../shared-read";
import { can, type Permission, type Role } from "./roles";

export interface SessionIdentity {
  kind: "session";
  userId: string;
  email: string;
  role: Role;
}

export async function currentUser(): Promise<SessionIdentity | null> {
  // next-auth (like next/headers and next/navigation below) is loaded on first use: it needs Next's
  // React build, so callers outside Next (the CLI's in-process smokes run route handlers with API
  // keys) can import this module without it.
  const [{ auth }, { cookies }] = await Promise.all([import("./auth"), import("next/headers")]);
  const token = sessionCookie((await cookies()).getAll());
  if (!token) return null; // no session cookie, no session: nothing to decrypt
  return recentSessions.get(
    token,
    async () => {
      const session = await auth();
      if (!session?.user?.id) return null;
      return { kind: "session", userId: session.user.id, email: session.user.email, role: session.user.role };
    },
    SESSION_CACHE_MS,
  );
}

/** The session token as sent: Auth.js's cookie, `__Secure-` prefixed over HTTPS, split in numbered chunks when large. */
export function sessionCookie(all: { name: string; value: string }[]): string | null {
  const parts = all.filter((c) => /^(__Secure-)?authjs\.session-token(\.\d+)?$/.test(c.name)).sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
  return parts.length ? parts.map((c) => `${c.name}=${c.value}`).join(";") : null;
}

/**
 * Identities of recently seen session tokens, for 5 s. Decrypting and re-encrypting the session JWT
 * (key derivation, AES, HMAC) was a quarter of the CPU of a signed-in API read under load
 * (docs/reliability.md), and a console polls several APIs a second with the same cookie. What it
 * can delay: a disabled user or a changed role, which the session callback re-reads every minute
 * anyway (auth.ts), by at most 5 s more. An invalid token is cached as null like a valid one, so a
 * flood of one bad cookie costs one decryption per period.
 */
const SESSION_CACHE_MS = 5_000;
const recentSessions = processSingleton("recentSessions", () => singleFlightCache<SessionIdentity | null>({ name: "session", maxEntries: 1_000 }));

/** For pages: signed-in user with the permission, else off to sign-in (or a 403 page). */
export async function requirePage(permission: Permission = "read", from?: string): Promise<SessionIdentity> {
  const [{ headers }, { redirect }] = await Promise.all([import("next/headers"), import("next/navigation")]);
  const user = await currentUser();
  if (!user) {
    const back = from ?? (await headers()).get("x-pathname") ?? "/";
    return redirect(`/signin?from=${encodeURIComponent(back)}`);
  }
  if (!can(user.role, permission)) return redirect(`/forbidden?need=${permission}`);
  return user;
}
