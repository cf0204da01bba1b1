import "server-only";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "../db";
import { logger } from "../logger";
import { verifyPassword } from "./password";
import { oidcUser } from "./oidc";
import { clientAddress } from "../http/client-address";
import { assertSignInAllowed, recordSignInFailure, recordSignInSuccess, SignInThrottled } from "./signin-throttle";
import { isRole, type Role } from "./roles";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name?: string | null; role: Role };
  }
  interface User {
    role?: Role;
  }
}

const credentials = z.object({ email: z.string().email().max(254), password: z.string().min(1).max(1024) });

/** A throttled attempt: next-auth puts `code` in the sign-in redirect, so the page can say when to retry. */
export class ThrottledSignIn extends CredentialsSignin {
  constructor(retryAfterSeconds: number) {
    super();
    this.code = `throttled_${retryAfterSeconds}`;
  }
}
/** Re-read the user row this often, so a disabled user or a changed role takes effect quickly. */
const RECHECK_MS = 60_000;

function providers(): NextAuthConfig["providers"] {
  const list: NextAuthConfig["providers"] = [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin();
        const email = parsed.data.email.trim().toLowerCase();
        const address = clientAddress(request.headers);
        try {
          await assertSignInAllowed(email, address);
        } catch (err) {
          if (!(err instanceof SignInThrottled)) throw err;
          logger.warn({ event: "signin_throttled", reason: err.reason, retryAfterSeconds: err.retryAfterSeconds });
          throw new ThrottledSignIn(err.retryAfterSeconds);
        }
        const user = await db().user.findUnique({ where: { email } });
        const ok = await verifyPassword(parsed.data.password, user?.passwordHash);
        if (!user || !ok || user.disabled) {
          const reason = !user ? "unknown_user" : user.disabled ? "disabled" : "bad_password";
          logger.warn({ event: "signin_failed", reason });
          await recordSignInFailure(email, address, reason);
          throw new CredentialsSignin();
        }
        await recordSignInSuccess(email);
        await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
        return { id: user.id, email: user.email, name: user.name, role: user.role };
      },
    }),
  ];
  if (process.env.OIDC_ISSUER && process.env.OIDC_CLIENT_ID) {
    list.push({
      id: "oidc",
      name: process.env.OIDC_NAME ?? "Single sign-on",
      type: "oidc",
      issuer: process.env.OIDC_ISSUER,
      clientId: process.env.OIDC_CLIENT_ID,
      clientSecret: process.env.OIDC_CLIENT_SECRET,
      profile: (profile) => oidcUser(profile),
    });
  }
  return list;
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  trustHost: true,
  secret: process.env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/signin" },
  providers: providers(),
  logger: {
    // Auth.js wraps the underlying error as cause.err; its message says why (e.g. an SSO refusal).
    error: (error) => {
      const cause = (error.cause as { err?: unknown } | undefined)?.err;
      logger.warn({ event: "auth_error", type: error.name, reason: cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined });
    },
    warn: (code) => logger.debug({ event: "auth_warning", code }),
  },
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.role = user.role;
        token.checkedAt = Date.now();
        return token;
      }
      if (Date.now() - Number(token.checkedAt ?? 0) > RECHECK_MS && token.sub) {
        const row = await db().user.findUnique({ where: { id: token.sub }, select: { role: true, disabled: true } });
        if (!row || row.disabled) return null;
        token.role = row.role;
        token.checkedAt = Date.now();
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = String(token.sub);
      session.user.role = isRole(token.role) ? token.role : "viewer";
      return session;
    },
  },
}));

export const oidcEnabled = () => !!(process.env.OIDC_ISSUER && process.env.OIDC_CLIENT_ID);
