// One migrated database for the whole run: TEST_DATABASE_URL (reset first) or a fresh database
// on the embedded PostgreSQL under .data/test.
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { createFreshDatabase, startEmbeddedPostgres, type EmbeddedHandle } from "../lib/platform/embedded-postgres";
import { runMigrations } from "../bin/lib/database";

let embedded: EmbeddedHandle | undefined;

async function resetSchema(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject) {
  let url = process.env.TEST_DATABASE_URL;
  if (url) {
    await resetSchema(url);
  } else {
    embedded = await startEmbeddedPostgres({ dataDir: path.resolve(".data", "test", "postgres"), port: 54339 });
    url = await createFreshDatabase(embedded.port, "opsdeck_test");
  }
  await runMigrations(url, { quiet: true });
  project.provide("databaseUrl", url);
  project.provide("databaseKind", process.env.TEST_DATABASE_URL ? "external" : "embedded");
  return async () => {
    if (embedded?.owned) await embedded.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: string;
  }
}
