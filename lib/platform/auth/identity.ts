import "server-only";
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
  const { auth } = await import("./auth");
  const session = await auth();
  if (!session?.user?.id) return null;
  return { kind: "session", userId: session.user.id, email: session.user.email, role: session.user.role };
}

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
