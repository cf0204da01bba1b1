import "server-only";
import { db } from "./db";
import { hashPassword } from "./auth/password";
import { ROLES, type Role } from "./auth/roles";

/** Demo mode only (the embedded default): one user per role with a published password. */
export const DEMO_USERS: { email: string; role: Role; password: string }[] = ROLES.map((role) => ({
  email: `${role}@opsdeck.local`,
  role,
  password: `${role}-demo-password`,
}));

export async function seedDemoUsers(): Promise<void> {
  for (const u of DEMO_USERS) {
    const existing = await db().user.findUnique({ where: { email: u.email } });
    if (existing) continue;
    await db().user.create({ data: { email: u.email, role: u.role, name: `Demo ${u.role}`, passwordHash: await hashPassword(u.password) } });
  }
}
