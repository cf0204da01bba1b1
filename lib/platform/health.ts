import "server-only";
import { pool } from "./db";
import { pendingMigrations } from "./migrations";
import pkg from "../../package.json";

const startedAt = Date.now();

export interface CheckResult {
  name: string;
  ok: boolean;
  detail?: string;
  durationMs: number;
}

async function timed(name: string, fn: () => Promise<{ ok: boolean; detail?: string }>, timeoutMs = 2_000): Promise<CheckResult> {
  const t0 = performance.now();
  try {
    const r = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return { name, ...r, durationMs: Math.round(performance.now() - t0) };
  } catch (err) {
    return { name, ok: false, detail: (err as Error).message, durationMs: Math.round(performance.now() - t0) };
  }
}

export type ReadinessCheck = { name: string; check: () => Promise<{ ok: boolean; detail?: string }> };

/** Database and migrations, then the given checks (lib/domains.ts readinessChecks) when the database answers. */
export async function readiness(extraChecks: ReadinessCheck[]): Promise<{ ready: boolean; checks: CheckResult[] }> {
  const database = await timed("database", async () => {
    await pool().query("SELECT 1");
    return { ok: true };
  });
  const checks = [database];
  if (database.ok) {
    checks.push(
      await timed("migrations", async () => {
        const pending = await pendingMigrations(pool());
        return pending.length ? { ok: false, detail: `pending: ${pending.join(", ")}; run \`npm run db:migrate\`` } : { ok: true };
      }),
    );
    checks.push(...(await Promise.all(extraChecks.map((c) => timed(c.name, c.check)))));
  }
  return { ready: checks.every((c) => c.ok), checks };
}

export function metadata() {
  return {
    name: "opsdeck",
    version: pkg.version,
    environment: process.env.OPSDECK_ENV ?? "local",
    database: process.env.OPSDECK_DATABASE_KIND ?? "external",
    demo: process.env.OPSDECK_DEMO === "true",
    startedAt: new Date(startedAt).toISOString(),
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  };
}
