import type { Command } from "commander";
import { z } from "zod";
import { ROLES, isRole, type Role } from "@/lib/platform/auth/roles";
import { logger } from "@/lib/platform/logger";
import { readyDatabase } from "../lib/database";
import { readSecret } from "../lib/prompt";

/** OPSDECK_BOOTSTRAP_ADMIN_EMAIL/PASSWORD: creates the first admin when no admin exists yet. */
export async function bootstrapAdminFromEnv(): Promise<void> {
  const email = process.env.OPSDECK_BOOTSTRAP_ADMIN_EMAIL;
  const password = process.env.OPSDECK_BOOTSTRAP_ADMIN_PASSWORD;
  if (!email || !password) return;
  const { db } = await import("@/lib/platform/db");
  if (await db().user.count({ where: { role: "admin" } })) return;
  const { addUser } = await import("@/lib/platform/users");
  await addUser({ email, role: "admin", password, actor: "bootstrap" });
  logger.info({ email }, "bootstrap admin created from OPSDECK_BOOTSTRAP_ADMIN_EMAIL");
}

export function registerUsers(program: Command): void {
  const user = program.command("user").description("Manage console users");
  user
    .command("add")
    .description("Add a user; the password is prompted, or read from stdin when piped")
    .requiredOption("--email <email>", "sign-in email")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
    .option("--name <name>", "display name")
    .action(async (opts: { email: string; role: string; name?: string }) => {
      if (!isRole(opts.role)) throw new Error(`Unknown role "${opts.role}": use one of ${ROLES.join(", ")}.`);
      if (!z.string().email().safeParse(opts.email).success) throw new Error(`"${opts.email}" is not an email address.`);
      const password = await readSecret("Password: ");
      await readyDatabase();
      const { addUser } = await import("@/lib/platform/users");
      const created = await addUser({ email: opts.email, role: opts.role as Role, name: opts.name, password, actor: "cli" });
      process.stdout.write(`Added ${created.email} as ${created.role}.\n`);
    });
  user
    .command("list")
    .description("List users")
    .action(async () => {
      await readyDatabase();
      const { listUsers } = await import("@/lib/platform/users");
      for (const u of await listUsers()) process.stdout.write(`${u.email}\t${u.role}${u.disabled ? "\tdisabled" : ""}\n`);
    });
}
