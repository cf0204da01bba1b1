import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { auth } from "./auth";
import { can, type Permission, type Role } from "./roles";

export interface SessionIdentity {
  kind: "session";
  userId: string;
  email: string;
  role: Role;
}

export async function currentUser(): Promise<SessionIdentity | null> {
  const session = await auth();
  if (!session?.user?.id) return null;
  return { kind: "session", userId: session.user.id, email: session.user.email, role: session.user.role };
}

/** For pages: signed-in user with the permission, else off to sign-in (or a 403 page). */
export async function requirePage(permission: Permission = "read", from?: string): Promise<SessionIdentity> {
  const user = await currentUser();
  if (!user) {
    const back = from ?? (await headers()).get("x-pathname") ?? "/";
    redirect(`/signin?from=${encodeURIComponent(back)}`);
  }
  if (!can(user.role, permission)) redirect(`/forbidden?need=${permission}`);
  return user;
}
