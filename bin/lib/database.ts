// Database resolution for CLI commands: DATABASE_URL, or attach to / start the embedded server.
import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedHandle, type EmbeddedOptions } from "@/lib/platform/embedded-postgres";
import { pendingMigrations } from "@/lib/platform/migrations";

export interface ResolvedDatabase {
  url: string;
  kind: "external" | "embedded";
  embedded?: EmbeddedHandle;
}

export async function resolveDatabase(opts: EmbeddedOptions = {}): Promise<ResolvedDatabase> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, kind: "external" };
  const embedded = await startEmbeddedPostgres(opts);
  process.env.DATABASE_URL = embedded.url;
  return { url: embedded.url, kind: "embedded", embedded };
}

/** Applies committed migrations with the Prisma CLI (WASM schema engine: no download, works offline). */
export function runMigrations(databaseUrl: string, opts: { quiet?: boolean } = {}): Promise<void> {
  const cli = path.resolve("node_modules", "prisma", "build", "index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "migrate", "deploy"], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", opts.quiet ? "pipe" : "inherit", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (exit ${code}): ${output.trim().slice(-2000)}`)),
    );
  });
}

export async function pendingFor(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await pendingMigrations(client);
  } finally {
    await client.end();
  }
}

/** For one-shot commands: a migrated database. Embedded databases migrate themselves; external ones must be migrated explicitly. */
export async function readyDatabase(): Promise<ResolvedDatabase> {
  const resolved = await resolveDatabase({ unref: true });
  const pending = await pendingFor(resolved.url);
  if (pending.length) {
    if (resolved.kind === "embedded") await runMigrations(resolved.url, { quiet: true });
    else throw new Error(`The database lacks ${pending.length} migration(s) (${pending.join(", ")}). Run \`npm run db:migrate\` first.`);
  }
  return resolved;
}
