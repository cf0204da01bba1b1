// `opsdeck start`: database (embedded or DATABASE_URL) → migrations → demo data → build if stale → `next start`.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { spawn, spawnSync } from "node:child_process";
import type { Command } from "commander";
import { logger } from "@/lib/platform/logger";
import { redactUrl } from "@/lib/platform/database-config";
import { pendingFor, resolveDatabase, runMigrations } from "../lib/database";

const log = logger.child({ component: "launcher" });
const SOURCE_DIRS = ["app", "components", "lib", "public"];
const SOURCE_FILES = ["next.config.js", "package-lock.json", "postcss.config.mjs", "tsconfig.json", "tsconfig.build.json", "proxy.ts", "instrumentation.ts"];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function buildIsStale(): boolean {
  const marker = path.join(".next", "BUILD_ID");
  if (!fs.existsSync(marker)) return true;
  const built = fs.statSync(marker).mtimeMs;
  return [...SOURCE_DIRS, ...SOURCE_FILES].some((p) => newestMtime(p) > built);
}

function authSecret(demo: boolean): string {
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  if (!demo) {
    throw new Error("AUTH_SECRET is not set. Generate one with `openssl rand -base64 32` and set it in the environment.");
  }
  // Demo mode keeps a generated secret beside its data, so sessions survive restarts.
  const file = path.resolve(process.env.OPSDECK_DATA_DIR ?? ".data", "auth-secret");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}

async function prepareData(demo: boolean): Promise<void> {
  // Imported lazily: these modules read DATABASE_URL when first used.
  const { seedDemoUsers, DEMO_USERS } = await import("@/lib/platform/demo");
  const { bootstrapAdminFromEnv } = await import("./users");
  await bootstrapAdminFromEnv();
  if (!demo) return;
  await seedDemoUsers();
  const [{ seedDemoData }, { demoSeeders }] = await Promise.all([import("@/lib/platform/demo-data"), import("@/lib/domains")]);
  await seedDemoData(demoSeeders);
  const lines = DEMO_USERS.map((u) => `    ${u.role.padEnd(13)} ${u.email.padEnd(28)} ${u.password}`);
  process.stdout.write(`\n  Opsdeck demo mode — sign in with one of these (demo only, never in production):\n${lines.join("\n")}\n\n`);
}

export function registerStart(program: Command): void {
  program
    .command("start")
    .description("Run the console: embedded PostgreSQL unless DATABASE_URL is set; builds if sources changed")
    .option("--dev", "run `next dev` instead of a production build")
    .option("-p, --port <port>", "HTTP port", process.env.PORT ?? "3000")
    .option("-H, --hostname <host>", "bind address", process.env.HOSTNAME ?? "0.0.0.0")
    .action(async (opts: { dev?: boolean; port: string; hostname: string }) => {
      // The embedded server stops only after Next has drained (workers finish their in-flight tasks).
      let appExited: () => void = () => {};
      let appRunning = false;
      const appStopped = new Promise<void>((resolve) => (appExited = resolve));
      const db = await resolveDatabase({ log: (m) => log.debug({ postgres: m }), warn: (m) => log.warn(m), beforeStop: () => (appRunning ? appStopped : Promise.resolve()) });
      const demo = process.env.OPSDECK_DEMO ? process.env.OPSDECK_DEMO === "true" : db.kind === "embedded";
      log.info({ database: db.kind, url: redactUrl(db.url), dataDir: db.embedded?.dataDir, demo }, `database in use: ${db.kind} PostgreSQL`);

      const shutdownDb = async () => {
        if (db.embedded?.owned) {
          await db.embedded.stop();
          log.info("embedded PostgreSQL stopped");
        }
      };
      try {
        const pending = await pendingFor(db.url);
        if (pending.length && (db.kind === "embedded" || process.env.OPSDECK_MIGRATE_ON_START === "true")) {
          log.info({ pending }, "applying migrations");
          await runMigrations(db.url, { quiet: true });
        } else if (pending.length) {
          log.warn({ pending }, "database lacks migrations: run `npm run db:migrate` (or set OPSDECK_MIGRATE_ON_START=true); /api/readyz answers 503 until then");
        }
        process.env.AUTH_SECRET = authSecret(demo);
        if (!pending.length || db.kind === "embedded" || process.env.OPSDECK_MIGRATE_ON_START === "true") await prepareData(demo);

        if (!opts.dev && buildIsStale()) {
          log.info("building the console (sources changed since the last build)");
          const built = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], {
            stdio: "inherit",
            env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
          });
          if (built.status !== 0) throw new Error("next build failed; see the output above.");
        }
      } catch (err) {
        await shutdownDb();
        throw err;
      }

      const child = spawn(process.execPath, [require.resolve("next/dist/bin/next"), opts.dev ? "dev" : "start", "-p", opts.port, "-H", opts.hostname], {
        stdio: "inherit",
        env: {
          ...process.env,
          NEXT_TELEMETRY_DISABLED: "1",
          // Our instrumentation drains workers on SIGTERM, then exits; Next must not exit first.
          NEXT_MANUAL_SIG_HANDLE: "true",
          DATABASE_URL: db.url,
          OPSDECK_DATABASE_KIND: db.kind,
          OPSDECK_DEMO: String(demo),
          FULFILLMENT_WORKER_ENABLED: process.env.FULFILLMENT_WORKER_ENABLED ?? String(demo),
          OPSDECK_SIMULATOR: process.env.OPSDECK_SIMULATOR ?? String(demo),
          // Simulators post to this process's own listener (PORT), whichever way the port was given.
          PORT: opts.port,
        },
      });
      appRunning = true;
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, "stopping");
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 30_000).unref();
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
      child.on("exit", async (code, signal) => {
        appExited();
        await shutdownDb();
        process.exit(code ?? (signal ? 0 : 1));
      });
    });
}
