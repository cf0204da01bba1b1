// Reconciliation figures (issue 9): (1) submission latency under 200 concurrent submitters, through
// the domain function submitClaim (the claim and its queued task in one transaction; not HTTP:
// API-key verification and the route wrapper add their own cost, see bench/load.ts for HTTP);
// (2) submission → first finished attempt with an idle worker; (3) reconciliations per second with
// 1 and 4 worker processes against a stub platform on 127.0.0.1.
// Run: npm run bench:reconciliation   (env: BENCH_DATABASE_URL, BENCH_SUBMISSIONS, BENCH_SUBMITTERS,
// BENCH_AFFILIATES, BENCH_STUB_LATENCY_MS, BENCH_PROCESSES, BENCH_CONCURRENCY, BENCH_LATENCY_CLAIMS)
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { benchUrl, ensureOpsdeckDatabase, intEnv, machine, printJson, printTable, round, sleep, spawnTs, summarize, waitForExit, waitForMessage } from "./lib/common";

const URL = benchUrl();
const SUBMISSIONS = intEnv("BENCH_SUBMISSIONS", 10_000);
const SUBMITTERS = intEnv("BENCH_SUBMITTERS", 200);
const AFFILIATES = intEnv("BENCH_AFFILIATES", 50);
const STUB_LATENCY_MS = intEnv("BENCH_STUB_LATENCY_MS", 20);
const LATENCY_CLAIMS = intEnv("BENCH_LATENCY_CLAIMS", 200);
const CONCURRENCY = intEnv("BENCH_CONCURRENCY", 20);
const PROCESSES = (process.env.BENCH_PROCESSES ?? "1,4").split(",").map(Number);
/** Each submitter waits about this long between its claims (uniform 0.5–1.5×): 200 affiliates at ~1 claim/s each. 0 = closed loop (saturation). */
const THINK_MS = intEnv("BENCH_THINK_MS", 1000);
const POOL_MAX = intEnv("BENCH_POOL_MAX", 40);

process.env.DATABASE_URL = URL;
process.env.RECONCILIATION_PLATFORMS = "benchgram";
process.env.LOG_LEVEL ??= "error";

function startStub(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"views":1000,"clicks":50,"sales":2}'), STUB_LATENCY_MS);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) }),
    ),
  );
}

async function main() {
  await ensureOpsdeckDatabase(URL);
  const stub = await startStub();
  process.env.RECONCILIATION_PLATFORM_BENCHGRAM_URL = stub.url;
  // An app instance's bounded pool (the shared server has a connection limit): submitters queue for a connection.
  const pool = new pg.Pool({ connectionString: URL, max: POOL_MAX });
  // The bench database is ours: start from an empty queue and no claims.
  await pool.query(`TRUNCATE reconciliation_alerts, reconciliation_trust_history, reconciliation_platform_reports, reconciliation_attempts, reconciliation_submissions, reconciliation_affiliates, fulfillment_attempts, fulfillment_tasks CASCADE`);
  await pool.query(`DELETE FROM circuit_breakers WHERE name = 'benchgram'`);
  const { createAffiliate } = await import("@/lib/reconciliation/affiliates");
  const { submitClaim } = await import("@/lib/reconciliation/submissions");
  const affiliates: string[] = [];
  for (let i = 0; i < AFFILIATES; i++) affiliates.push((await createAffiliate({ name: `bench-${Date.now()}-${i}`, actor: "bench" })).id);
  const claim = (n: number) => ({ platform: "benchgram", post_id: `b${n}`, period: { start: new Date("2026-11-01T00:00:00Z"), end: new Date("2026-11-30T00:00:00Z") }, claimed: { views: 1000, clicks: 50 } });
  const env = { RECONCILIATION_PLATFORMS: "benchgram", RECONCILIATION_PLATFORM_BENCHGRAM_URL: stub.url, DATABASE_URL: URL };
  const info = await machine(URL);
  console.log(`reconciliation bench: ${SUBMISSIONS} claims, ${SUBMITTERS} submitters, ${AFFILIATES} affiliates, stub latency ${STUB_LATENCY_MS} ms, worker concurrency ${CONCURRENCY}`);
  console.log(`machine: ${JSON.stringify(info)}`);

  async function submitBacklog(offset: number, thinkMs: number) {
    const latencies: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: SUBMITTERS }, async () => {
        if (thinkMs) await sleep(Math.random() * thinkMs); // spread the submitters' phases
        while (next < SUBMISSIONS) {
          const n = next++;
          const s = performance.now();
          await submitClaim(pool, { affiliateId: affiliates[n % AFFILIATES] }, claim(offset + n));
          latencies.push(performance.now() - s);
          if (thinkMs) await sleep(thinkMs * (0.5 + Math.random()));
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return { ...summarize(latencies), perSecond: Math.round(SUBMISSIONS / seconds) };
  }

  const startWorkers = async (count: number) => {
    const children = Array.from({ length: count }, (_, i) =>
      spawnTs("bench/lib/worker-child.ts", [JSON.stringify({ url: URL, workerId: `bench-recon-${i}`, batchSize: 50, concurrency: CONCURRENCY, leaseMs: 30_000, pollIntervalMs: 1_000, handlers: "reconciliation" })], env),
    );
    await Promise.all(children.map((c) => waitForMessage(c, "started")));
    return async () => {
      for (const c of children) c.send({ type: "stop" });
      await Promise.all(children.map((c) => waitForExit(c)));
    };
  };
  const open = async () => Number((await pool.query(`SELECT count(*) AS n FROM reconciliation_submissions WHERE status IN ('queued', 'retrying')`)).rows[0].n);

  // (2) First reconciliation with an idle worker: one claim every 25 ms.
  const stopIdle = await startWorkers(1);
  await sleep(500);
  const firstIds: string[] = [];
  for (let i = 0; i < LATENCY_CLAIMS; i++) {
    firstIds.push((await submitClaim(pool, { affiliateId: affiliates[i % AFFILIATES] }, claim(-1 - i))).id);
    await sleep(25);
  }
  while ((await open()) > 0) await sleep(100);
  await stopIdle();
  const { rows: firsts } = await pool.query<{ ms: number }>(
    `SELECT extract(epoch FROM first_attempt_at - submitted_at)::float8 * 1000 AS ms FROM reconciliation_submissions WHERE id = ANY($1::bigint[])`,
    [firstIds],
  );
  const first = summarize(firsts.map((r) => r.ms));

  // (1) and (3): a backlog submitted by 200 concurrent submitters, then drained by N worker processes.
  const results: Record<string, string | number>[] = [];
  const drains: Record<string, string | number>[] = [];
  for (const [round_, procs] of PROCESSES.entries()) {
    const sub = await submitBacklog(round_ * SUBMISSIONS, THINK_MS);
    results.push({ round: round_ + 1, submissions: SUBMISSIONS, submitters: SUBMITTERS, thinkMs: THINK_MS, p50Ms: round(sub.p50, 2), p95Ms: round(sub.p95, 2), p99Ms: round(sub.p99, 2), maxMs: round(sub.max, 1), perSecond: sub.perSecond });
    const t0 = performance.now();
    const stop = await startWorkers(procs);
    while ((await open()) > 0) await sleep(50);
    const seconds = (performance.now() - t0) / 1000;
    await stop();
    drains.push({ processes: procs, claims: SUBMISSIONS, seconds: round(seconds, 2), reconciliationsPerSecond: Math.round(SUBMISSIONS / seconds) });
  }

  // Saturation, for context: the same submitters with no pause between claims (closed loop).
  const saturated = await submitBacklog(PROCESSES.length * SUBMISSIONS, 0);
  results.push({ round: "saturation", submissions: SUBMISSIONS, submitters: SUBMITTERS, thinkMs: 0, p50Ms: round(saturated.p50, 2), p95Ms: round(saturated.p95, 2), p99Ms: round(saturated.p99, 2), maxMs: round(saturated.max, 1), perSecond: saturated.perSecond });

  console.log(`\n(1) submission latency through submitClaim (not HTTP), ${SUBMITTERS} concurrent submitters (~1 claim/s each, ${POOL_MAX} pooled connections), no worker running; last row: closed loop:`);
  printTable(results);
  console.log(`\n(2) submission → first finished attempt, idle worker (1 process), ${LATENCY_CLAIMS} claims 25 ms apart, stub latency ${STUB_LATENCY_MS} ms:`);
  printTable([{ claims: first.n, p50Ms: round(first.p50), p95Ms: round(first.p95), p99Ms: round(first.p99), maxMs: round(first.max) }]);
  console.log(`\n(3) reconciliations per second draining the backlog (stub latency ${STUB_LATENCY_MS} ms, concurrency ${CONCURRENCY} per process, includes process start-up):`);
  printTable(drains);
  const verdict = {
    submissionMedianMet: results.filter((r) => r.round !== "saturation").every((r) => Number(r.p50Ms) <= 10),
    submissionP99Met: results.filter((r) => r.round !== "saturation").every((r) => Number(r.p99Ms) <= 50),
    firstReconciliationP95Met: first.p95 <= 500,
  };
  console.log(`\ntargets: submission median ≤ 10 ms ${verdict.submissionMedianMet ? "MET" : "NOT MET"} · p99 ≤ 50 ms ${verdict.submissionP99Met ? "MET" : "NOT MET"} · first reconciliation p95 ≤ 500 ms ${verdict.firstReconciliationP95Met ? "MET" : "NOT MET"}`);
  printJson("reconciliation", { machine: info, submissions: results, firstReconciliation: first, drains, verdict });
  await pool.end();
  await stub.close();
  const { pool: appPool, db } = await import("@/lib/platform/db");
  await appPool().end().catch(() => {});
  await db().$disconnect().catch(() => {});
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
