// Shared plumbing for the benchmarks: which database, creating and migrating it, child processes,
// percentiles and the printed table + final JSON line every benchmark ends with.
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { runMigrations } from "@/bin/lib/database";

export const DEFAULT_BENCH_URL = "postgresql://postgres@127.0.0.1:5432/opsdeck_bench";

export function benchUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? DEFAULT_BENCH_URL;
}

/** The same server, another database: the comparison libraries get their own (`opsdeck_bench_graphile`…). */
export function siblingUrl(url: string, suffix: string): string {
  const u = new URL(url);
  u.pathname = `${u.pathname.replace(/^\//, "")}_${suffix}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

/** Creates the database if missing (connecting to the server's `postgres` database to do it). */
export async function ensureDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const name = databaseName(url);
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) await client.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/** Our schema: the committed Prisma migrations, exactly as production applies them. */
export async function ensureOpsdeckDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  await runMigrations(url, { quiet: true });
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export function summarize(values: number[]): { n: number; p50: number; p95: number; p99: number; max: number; mean: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, mean };
}

export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

export function printTable(rows: Record<string, string | number>[]): void {
  if (!rows.length) return;
  const cols = Object.keys(rows[0]);
  const cell = (v: unknown) => (typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: 2 }) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => "| " + vals.map((v, i) => v.padEnd(widths[i])).join(" | ") + " |";
  console.log(line(cols));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}

export async function machine(url: string): Promise<Record<string, string | number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("select current_setting('server_version') as v, current_setting('shared_buffers') as sb, current_setting('synchronous_commit') as sc");
    return {
      nproc: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? "unknown",
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      postgres: rows[0].v,
      sharedBuffers: rows[0].sb,
      synchronousCommit: rows[0].sc,
      node: process.version,
      // The machine is shared; a busy one slows every system alike, so read ratios before absolutes.
      loadAverage1m: round(os.loadavg()[0], 2),
    };
  } finally {
    await client.end();
  }
}

/** The final line every benchmark prints: one JSON object, easy to grep out of CI logs. */
export function printJson(name: string, data: unknown): void {
  console.log(JSON.stringify({ bench: name, at: new Date().toISOString(), ...(data as object) }, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

/** A child benchmark process running TypeScript the same way as the CLI (tsx, react-server conditions). */
export function spawnTs(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return fork(path.resolve(script), args, {
    // BENCH_CHILD_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the children.
    execArgv: ["--conditions=react-server", "--import", "tsx", ...(process.env.BENCH_CHILD_NODE_ARGS?.split(" ").filter(Boolean) ?? [])],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

export function waitForMessage<T = { type: string }>(child: ChildProcess, type: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`child ${child.pid} did not send "${type}" within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: unknown) => {
      if (m && typeof m === "object" && (m as { type?: string }).type === type) done(null, m as T);
    };
    const onExit = (code: number | null, signal: string | null) => done(new Error(`child ${child.pid} exited (${code ?? signal}) before sending "${type}"`));
    function done(err: Error | null, value?: T) {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve(value as T);
    }
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

export function waitForExit(child: ChildProcess, timeoutMs = 30_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}
