// Resolves which PostgreSQL the process talks to. Shared by the app, the CLI, the worker and
// prisma.config.ts, so it must not import `server-only`.
import { parse } from "pg-connection-string";
import type { PoolConfig } from "pg";

export type DatabaseKind = "external" | "embedded";

/** Discrete pg settings: adapter-pg derives its shadow database from these, not from a URL. */
export function poolConfigFromUrl(url: string): PoolConfig {
  const p = parse(url);
  if (!p.database) throw new Error("DATABASE_URL must name a database, e.g. postgresql://user@host:5432/opsdeck");
  return {
    host: p.host ?? "localhost",
    port: p.port ? Number(p.port) : 5432,
    user: p.user ?? process.env.PGUSER ?? "postgres",
    password: p.password ?? undefined,
    database: p.database,
    ssl: p.ssl ? (p.ssl as PoolConfig["ssl"]) : undefined,
  };
}

/** A URL without its password, safe to log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}
