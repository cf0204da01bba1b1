// Prisma CLI configuration: the schema engine runs as WASM ("js" engine) over @prisma/adapter-pg,
// so `prisma migrate …` works offline. With DATABASE_URL unset it attaches to (or starts) the
// embedded PostgreSQL, like the app does.
import path from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import { poolConfigFromUrl } from "./lib/platform/database-config";
import { startEmbeddedPostgres } from "./lib/platform/embedded-postgres";

// prisma/orm#27403: the schema engine cannot deserialize `name` (oid 19) and `"char"` (oid 18)
// columns that adapter-pg reports as-is. Report them as text (oid 25) in the CLI only.
const PG_NAME = 19, PG_CHAR = 18, PG_TEXT = 25;
type PgResult = { fields?: { dataTypeID: number }[] };
function reportNameAndCharAsText(adapter: object): void {
  const queryable = Object.getPrototypeOf(Object.getPrototypeOf(adapter)) as {
    performIO: (q: unknown) => Promise<PgResult | PgResult[]>;
    __opsdeckPatched?: boolean;
  };
  if (queryable.__opsdeckPatched) return;
  const performIO = queryable.performIO;
  queryable.performIO = async function (this: unknown, query: unknown) {
    const result = await performIO.call(this, query);
    // A multi-statement script yields one result per statement.
    for (const r of Array.isArray(result) ? result : [result]) {
      for (const field of r.fields ?? []) {
        if (field.dataTypeID === PG_NAME || field.dataTypeID === PG_CHAR) field.dataTypeID = PG_TEXT;
      }
    }
    return result;
  };
  queryable.__opsdeckPatched = true;
}

// adapter-pg's executeScript splits a migration on every ";", including those inside comments and
// string literals. PostgreSQL takes the whole script as one simple query, which also applies it
// atomically (a failed migration leaves nothing half-done).
type ScriptRunner = { client: pg.Pool; onError(error: unknown): never; executeScript(script: string): Promise<void> };
function runScriptsWhole(adapter: object): void {
  const runner = adapter as ScriptRunner;
  runner.executeScript = async (script) => {
    try {
      await runner.client.query(script);
    } catch (error) {
      runner.onError(error);
    }
  };
}

function patchAdapter(adapter: object): void {
  reportNameAndCharAsText(adapter);
  runScriptsWhole(adapter);
}

async function adapterFactory() {
  const url = process.env.DATABASE_URL || (await startEmbeddedPostgres({ unref: true })).url;
  const base = poolConfigFromUrl(url);
  const factory = new PrismaPg(base);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    patchAdapter(adapter);
    return adapter;
  };
  // adapter-pg drops its shadow database while its own pool is still connected, which fails;
  // create it here and drop it WITH (FORCE) after the pool has closed.
  factory.connectToShadowDb = async () => {
    const admin = new pg.Client(base);
    await admin.connect();
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    const adapter = await new PrismaPg({ ...base, database: name }).connect();
    patchAdapter(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    };
    return adapter;
  };
  return factory;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: adapterFactory,
});
