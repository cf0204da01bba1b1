import "server-only";
import { db } from "./db";
import { AppError } from "./errors";
import { hashPassword, MIN_PASSWORD_LENGTH } from "./auth/password";
import type { Role } from "./auth/roles";
import { writeAudit } from "./audit";

export async function addUser(input: { email: string; role: Role; password?: string; name?: string; actor: string }) {
  const email = input.email.trim().toLowerCase();
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError("validation_failed", `Password too short: use at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return db().$transaction(async (t) => {
    if (await t.user.findUnique({ where: { email } })) {
      throw new AppError("conflict", `A user with email ${email} already exists. Change their role instead.`);
    }
    const user = await t.user.create({ data: { email, role: input.role, name: input.name, passwordHash } });
    await writeAudit(t, { actor: input.actor, action: "user.create", target: user.id, details: { email, role: input.role } });
    return user;
  });
}

export async function setUserRole(id: string, role: Role, actor: string) {
  return db().$transaction(async (t) => {
    const before = await t.user.findUnique({ where: { id } });
    if (!before) throw new AppError("not_found", "User not found.");
    const user = await t.user.update({ where: { id }, data: { role } });
    await writeAudit(t, { actor, action: "user.role", target: id, details: { before: before.role, after: role } });
    return user;
  });
}

export async function listUsers() {
  return db().user.findMany({
    orderBy: { email: "asc" },
    select: { id: true, email: true, name: true, role: true, disabled: true, createdAt: true, lastLoginAt: true },
  });
}
