// Fault (b) of the reliability suite: PostgreSQL stops for BENCH_OUTAGE_S seconds in the middle of
// work. A web server (`bin/opsdeck start`, serving /api/readyz, running a worker) and a standalone
// worker (`bin/opsdeck worker`) drain tasks whose provider is a local stub; the database is stopped
// and restarted under them. Aims: /api/readyz answers 503 naming the failing check within one probe,
// no process exits, work resumes after the restart, lost 0, completed twice 0.
// The database is an embedded PostgreSQL owned by this script (BENCH_EXTERNAL_PGCTL=<pg_ctlcluster
// version> to stop and start the machine's PostgreSQL instead, with BENCH_DATABASE_URL).
// Needs a production build (`npx next build`). Run: npm run bench:faults:outage
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { runMigrations } from "@/bin/lib/database";
import { enqueue } from "@/lib/fulfillment/queue";
import { createFreshDatabase, startEmbeddedPostgres, type EmbeddedHandle } from "@/lib/platform/embedded-postgres";
import { intEnv, printJson, printTable, round, sleep } from "../lib/common";
import { queueOutcome, succeededSql } from "../lib/opsdeck";

const OUTAGE_MS = intEnv("BENCH_OUTAGE_S", 30) * 1000;
const TASKS = intEnv("BENCH_TASKS", 20_000);
const CALL_MS = intEnv("BENCH_CALL_MS", 20);
const PORT = intEnv("BENCH_APP_PORT", 3281);
const PG_PORT = intEnv("BENCH_PG_PORT", 54481);
const EXTERNAL = process.env.BENCH_EXTERNAL_PGCTL; // e.g. "15" → pg_ctlcluster 15 main stop/start

interface Database {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** At the end: stops a server this script started; leaves the machine's own server running. */
  close(): Promise<void>;
}

async function database(): Promise<Database> {
  if (EXTERNAL) {
    const url = process.env.BENCH_DATABASE_URL;
    if (!url) throw new Error("BENCH_EXTERNAL_PGCTL needs BENCH_DATABASE_URL");
    const ctl = (action: string) => spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", EXTERNAL, "main", action], { stdio: "inherit" });
    return { url, stop: async () => void ctl("stop"), start: async () => void ctl("start"), close: async () => {} };
  }
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "opsdeck-outage-")), "postgres");
  let handle: EmbeddedHandle = await startEmbeddedPostgres({ dataDir, port: PG_PORT, warn: () => {} });
  const url = await createFreshDatabase(PG_PORT, "outage");
  return {
    url,
    stop: () => handle.stop(),
    start: async () => {
      handle = await startEmbeddedPostgres({ dataDir, port: PG_PORT, warn: () => {} });
    },
    close: () => handle.stop(),
  };
}

async function readyz(): Promise<{ status: number; failing: string[] }> {
  try {
    const res = await fetch(`http://127.0.0.1:${PORT}/api/readyz`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json().catch(() => ({}))) as { checks?: { name: string; ok: boolean }[] };
    return { status: res.status, failing: (body.checks ?? []).filter((c) => !c.ok).map((c) => c.name) };
  } catch {
    return { status: 0, failing: ["no answer"] };
  }
}

async function succeeded(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ n: number }>(`select (${succeededSql()}) as n`)).rows[0].n;
  } finally {
    await c.end();
  }
}

async function main() {
  const db = await database();
  await runMigrations(db.url, { quiet: true });
  const provider = http.createServer((req, res) => {
    req.resume();
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end("{}"), CALL_MS);
  });
  await new Promise<void>((r) => provider.listen(0, "127.0.0.1", r));
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  for (let i = 0; i < TASKS; i += 5_000) {
    await enqueue(pool, Array.from({ length: Math.min(5_000, TASKS - i) }, (_, j) => ({ taskType: "reserve_inventory", payload: { sku: `SKU-${i + j}`, quantity: 1, warehouse: "outage" }, maxAttempts: 25 })));
  }
  await pool.end();

  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    AUTH_SECRET: "outage-bench-secret-0123456789abcdef",
    OPSDECK_DEMO: "false",
    FULFILLMENT_WORKER_ENABLED: "true",
    FULFILLMENT_PROVIDER_URL: `http://127.0.0.1:${(provider.address() as AddressInfo).port}`,
    FULFILLMENT_POLL_INTERVAL_SECONDS: "2",
    ALERT_EVALUATOR_ENABLED: "false",
    LOG_LEVEL: "error",
  };
  const processes: { name: string; child: ChildProcess; exitedAt: number | null }[] = [
    { name: "web", child: spawn("bin/opsdeck", ["start", "-p", String(PORT), "-H", "127.0.0.1"], { env, stdio: "ignore" }), exitedAt: null },
    { name: "worker", child: spawn("bin/opsdeck", ["worker"], { env, stdio: "ignore" }), exitedAt: null },
  ];
  for (const p of processes) p.child.on("exit", () => (p.exitedAt = performance.now()));
  const bootStart = performance.now();
  while ((await readyz()).status !== 200) {
    if (performance.now() - bootStart > 240_000) throw new Error("the web server never became ready; is there a production build (npx next build)?");
    await sleep(500);
  }
  while ((await succeeded(db.url)) < Math.min(2_000, TASKS / 4)) await sleep(200);

  const before = await succeeded(db.url);
  await db.stop();
  const stoppedAt = performance.now();
  let first503: { ms: number; failing: string[] } | null = null;
  while (performance.now() - stoppedAt < OUTAGE_MS) {
    const r = await readyz();
    if (!first503 && r.status === 503) first503 = { ms: performance.now() - stoppedAt, failing: r.failing };
    await sleep(1_000);
  }
  await db.start();
  const restartedAt = performance.now();
  let readyAgainMs: number | null = null;
  let resumedMs: number | null = null;
  while (performance.now() - restartedAt < 120_000 && (readyAgainMs === null || resumedMs === null)) {
    if (readyAgainMs === null && (await readyz()).status === 200) readyAgainMs = performance.now() - restartedAt;
    if (resumedMs === null && (await succeeded(db.url).catch(() => 0)) > before + 100) resumedMs = performance.now() - restartedAt;
    await sleep(250);
  }
  const drainStart = performance.now();
  while ((await succeeded(db.url)) < TASKS && performance.now() - drainStart < 600_000) await sleep(500);

  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const r = await queueOutcome(c, TASKS);
  await c.end();
  const exited = processes.filter((p) => p.exitedAt !== null).map((p) => p.name);
  for (const p of processes) p.child.kill("SIGTERM");
  await Promise.all(processes.map((p) => (p.exitedAt !== null ? null : new Promise((r) => p.child.on("exit", r)))));
  provider.close();
  await db.close();

  printTable([
    {
      database: EXTERNAL ? `external (PostgreSQL ${EXTERNAL})` : "embedded",
      "outage s": OUTAGE_MS / 1000,
      "readyz 503 after s": first503 ? round(first503.ms / 1000, 1) : "never",
      "failing check": first503?.failing.join(", ") ?? "-",
      "ready again after s": readyAgainMs === null ? "never" : round(readyAgainMs / 1000, 1),
      "work resumed after s": resumedMs === null ? "never" : round(resumedMs / 1000, 1),
      "processes exited": exited.length ? exited.join(", ") : "none",
      lost: r.lost,
      "dead-lettered": r.dead_lettered,
      "completed twice": r.completed_twice,
    },
  ]);
  const ok = !!first503 && first503.ms <= 2_000 && readyAgainMs !== null && resumedMs !== null && exited.length === 0 && r.lost === 0 && r.completed_twice === 0;
  console.log(`database outage of ${OUTAGE_MS / 1000} s → ${ok ? "MET" : "NOT MET"}`);
  if (!ok) process.exitCode = 1;
  printJson("fault-database-outage", { external: !!EXTERNAL, outageMs: OUTAGE_MS, tasks: TASKS, first503, readyAgainMs, resumedMs, exited, ...r });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
