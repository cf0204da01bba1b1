// Which committed migrations a database lacks (readiness and start-up checks).
// No `server-only`: the CLI and the test setup use it too.
import fs from "node:fs";
import path from "node:path";
import type pg from "pg";

const MIGRATIONS_DIR = path.resolve(process.cwd(), "prisma", "migrations");

export function migrationNames(): string[] {
  if (!fs.existsSync(MIGRATIONS_DIR)) return [];
  return fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(MIGRATIONS_DIR, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

export async function pendingMigrations(client: Pick<pg.Pool, "query">): Promise<string[]> {
  const all = migrationNames();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    return all.filter((m) => !applied.has(m));
  } catch (err) {
    if ((err as { code?: string }).code === "42P01") return all; // no migrations table yet
    throw err;
  }
}
