import "server-only";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { poolConfigFromUrl } from "./database-config";
import { processSingleton } from "./global";
import { instrumentPool, startTelemetryWriter } from "./telemetry";

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. Start Opsdeck with `npm start` (which starts the embedded PostgreSQL) " +
        "or set DATABASE_URL=postgresql://user:pass@host:5432/db.",
    );
  }
  return url;
}

/** The process-wide pg pool; hot paths (queue claims, signals) use it directly. */
export function pool(): pg.Pool {
  return processSingleton("pgPool", () => {
    const p = new pg.Pool({ ...poolConfigFromUrl(databaseUrl()), max: Number(process.env.OPSDECK_DB_POOL_MAX ?? 20) });
    // An idle client losing its connection (server restart) must not crash the process.
    p.on("error", () => {});
    instrumentPool(p);
    startTelemetryWriter(pool);
    return p;
  });
}

export function db(): PrismaClient {
  return processSingleton("prisma", () => new PrismaClient({ adapter: new PrismaPg(pool()) }));
}

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
