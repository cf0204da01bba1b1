import type { Command } from "commander";
import { redactUrl } from "@/lib/platform/database-config";
import { pendingFor, resolveDatabase, runMigrations } from "../lib/database";

export function registerDb(program: Command): void {
  const dbCmd = program.command("db").description("Database maintenance");
  dbCmd
    .command("migrate")
    .description("Apply committed migrations to DATABASE_URL (or the embedded database)")
    .action(async () => {
      const db = await resolveDatabase({ unref: true });
      process.stdout.write(`Migrating ${db.kind} database ${redactUrl(db.url)}\n`);
      await runMigrations(db.url);
    });
  dbCmd
    .command("status")
    .description("List migrations the database lacks; exits 1 if any")
    .action(async () => {
      const db = await resolveDatabase({ unref: true });
      const pending = await pendingFor(db.url);
      process.stdout.write(pending.length ? `Pending: ${pending.join(", ")}\n` : "Database is up to date.\n");
      process.exitCode = pending.length ? 1 : 0;
    });
}
