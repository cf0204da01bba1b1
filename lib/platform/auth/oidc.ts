import "server-only";
// Single sign-on: who an identity provider's profile is in Opsdeck. The role comes from a claim
// (OIDC_ROLE_CLAIM, default "roles"; a string or a list), the strongest role granted wins, else
// OIDC_DEFAULT_ROLE (default viewer). The user row is created or its role refreshed at each sign-in.
import { db } from "../db";
import { isRole, type Role } from "./roles";

type OidcEnv = Record<string, string | undefined>;
const STRONGEST_FIRST = ["admin", "operator", "merchandiser", "viewer"] as const;

export function oidcRole(profile: Record<string, unknown>, env: OidcEnv = process.env): Role {
  const claim = profile[env.OIDC_ROLE_CLAIM || "roles"];
  const values = Array.isArray(claim) ? claim : [claim];
  for (const role of STRONGEST_FIRST) if (values.includes(role)) return role;
  return isRole(env.OIDC_DEFAULT_ROLE) ? env.OIDC_DEFAULT_ROLE : "viewer";
}

/** Thrown to refuse a sign-in; next-auth shows its error page, the message goes to the log. */
export class OidcSignInRefused extends Error {
  name = "OidcSignInRefused";
}

/** The Opsdeck user for an identity provider profile: refuses profiles without an email and disabled users. */
export async function oidcUser(profile: Record<string, unknown>, env: OidcEnv = process.env) {
  const email = typeof profile.email === "string" ? profile.email.trim().toLowerCase() : "";
  if (!email.includes("@")) throw new OidcSignInRefused("The identity provider sent no email claim; add the 'email' scope/claim for Opsdeck.");
  const role = oidcRole(profile, env);
  const existing = await db().user.findUnique({ where: { email }, select: { disabled: true } });
  if (existing?.disabled) throw new OidcSignInRefused(`User ${email} is disabled in Opsdeck; an admin can re-enable it.`);
  const user = await db().user.upsert({
    where: { email },
    create: { email, name: typeof profile.name === "string" && profile.name ? profile.name : email, role },
    update: { role, lastLoginAt: new Date() },
  });
  return { id: user.id, email, name: user.name, role: user.role };
}
