// WhatsApp ingest benchmark (issue 10's floors):
//   1. sustained ingest through the real route handler (bearer, HMAC over the raw body, JSON +
//      schema, rate limiter, dedupe, media-less batches, one statement + queue task per batch),
//      batches of 10 and of 100, with 10 % replays, while the extraction worker runs in the same
//      process; messages/s and ingest→offer p50/p95 of the messages extracted in the phase;
//   2. GET /metrics/whatsapp p50/p95/p99 after counters worth 10,000,000 messages (7 days of
//      per-minute rows) and a full failure log.
// In-process, through lib/whatsapp's ingest() and metricsPayload() — what the route handlers call
// (the route wrapper imports Next's request context, which does not load outside Next): it measures
// our code and the database, not Next's HTTP layer.
// BENCH_DATABASE_URL (default opsdeck_bench); WA_BENCH_SECONDS per phase (default 15); WA_BENCH_CONCURRENCY (8);
// WA_BENCH_BATCHES ("10,100"); WA_BENCH_RATE (2000: each batch size also runs paced at this many
// messages/s, for ingest→offer at the floor's load; 0 skips); WA_BENCH_METRICS=false skips phase 2.
import { randomBytes } from "node:crypto";
import { benchUrl, ensureOpsdeckDatabase, machine, printJson, printTable, round, summarize } from "./lib/common";

const url = benchUrl();
process.env.DATABASE_URL = url;
process.env.LOG_LEVEL = "warn";
process.env.WHATSAPP_INGEST_TOKEN = "bench-token";
process.env.WHATSAPP_APP_SECRET = "bench-secret";
process.env.WHATSAPP_RATE_LIMIT_BATCHES = "100000000";
process.env.OPSDECK_DATA_DIR = "/tmp/opsdeck-wa-bench";
const SECONDS = Number(process.env.WA_BENCH_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.WA_BENCH_CONCURRENCY ?? 8);
/** Ingest phases to run (batch sizes), and whether to run the metrics phase: for focused re-runs. */
const BATCHES = (process.env.WA_BENCH_BATCHES ?? "10,100").split(",").map(Number);
const METRICS = process.env.WA_BENCH_METRICS !== "false";
/** Paced phases (messages/s over all lanes): ingest→offer "at that load" rather than flat out. 0 = flat out only. */
const RATE = Number(process.env.WA_BENCH_RATE ?? 2000);

async function main() {
  await ensureOpsdeckDatabase(url);
  const { pool } = await import("@/lib/platform/db");
  const { signBody } = await import("@/lib/whatsapp/signature");
  const { ingest } = await import("@/lib/whatsapp/ingest");
  const { metricsPayload } = await import("@/lib/whatsapp/stats");
  const { createWorker } = await import("@/lib/fulfillment/worker");
  const { createWhatsappHandlers } = await import("@/lib/whatsapp/handlers");
  const p = pool();
  await p.query(`UPDATE fulfillment_tasks SET status = 'discarded' WHERE status IN ('pending', 'retry_scheduled') AND task_type <> 'whatsapp_extract_offers'`);
  const env = await machine(url);
  const run = randomBytes(3).toString("hex");
  const rows: Record<string, string | number>[] = [];
  const results: Record<string, unknown> = {};

  const phases = BATCHES.flatMap((batchSize) => [{ batchSize, rate: 0 }, ...(RATE > 0 ? [{ batchSize, rate: RATE }] : [])]);
  for (const { batchSize, rate } of phases) {
    const worker = createWorker({ pool: p, workerId: `wa-bench-${run}-${batchSize}`, batchSize: 25, pollIntervalMs: 200, concurrency: 10, leaseMs: 30_000, maxAttempts: 5, handlers: createWhatsappHandlers(() => p) });
    await worker.start();
    const phaseStart = new Date();
    let seq = 0, messages = 0, requests = 0, failures = 0;
    let started = performance.now();
    const latencies: number[] = [];
    const recent: object[] = [];
    const until = Date.now() + SECONDS * 1000;
    let scheduled = 0;
    const loop = async (lane: number) => {
      while (Date.now() < until) {
        if (rate > 0) {
          // Paced: batch k is due at k × batchSize / rate seconds after the start, whichever lane sends it.
          const due = started + ((scheduled++ * batchSize) / rate) * 1000;
          if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
          if (Date.now() >= until) break;
        }
        const msgs = Array.from({ length: batchSize }, (_, i) => {
          // 10 % replays of an earlier message: exercises the dedupe path.
          if (i % 10 === 9 && recent.length) return recent[(seq + i) % recent.length];
          const n = seq++;
          return { message_id: `b-${run}-${batchSize}-${rate}-${lane}-${n}`, chat_id: `chat-${n % 50}`, chat_title: "Bench traders", sender: "+15550000", timestamp: Math.floor(Date.now() / 1000), text: `Selling item ${run}-${batchSize}-${rate}-${n} - $${100 + (n % 900)}` };
        });
        recent.push(msgs[0]);
        if (recent.length > 200) recent.shift();
        const body = JSON.stringify({ client_id: `bench-${lane}`, messages: msgs });
        const t0 = performance.now();
        const headers = new Headers({ "content-type": "application/json", authorization: "Bearer bench-token", "x-hub-signature-256": signBody(body, "bench-secret") });
        const ok = await ingest(p, headers, async () => Buffer.from(body), new Date()).then(() => true, (err) => (failures++ < 3 && console.error(err), false));
        latencies.push(performance.now() - t0);
        requests++;
        if (ok) messages += batchSize;
      }
    };
    started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => loop(i)));
    const elapsed = (performance.now() - started) / 1000;
    // Let extraction catch up (bounded), then read ingest→offer for this phase's messages.
    const drainUntil = Date.now() + 60_000;
    for (;;) {
      const { rows: [{ n }] } = await p.query(`SELECT count(*)::int AS n FROM whatsapp_messages WHERE status = 'accepted' AND received_at >= $1`, [phaseStart]);
      if (n === 0 || Date.now() > drainUntil) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await worker.stop();
    const { rows: lat } = await p.query<{ s: number }>(`SELECT extract(epoch FROM offer_at - received_at)::float8 AS s FROM whatsapp_messages WHERE received_at >= $1 AND offer_at IS NOT NULL`, [phaseStart]);
    const offer = summarize(lat.map((r) => r.s));
    const req = summarize(latencies);
    const row = {
      batch: batchSize, pace: rate > 0 ? `${rate}/s` : "flat out", concurrency: CONCURRENCY, seconds: round(elapsed), requests, failed: failures, "messages/s": round(messages / elapsed),
      "request p50 ms": round(req.p50), "request p99 ms": round(req.p99), offers: offer.n, "ingest→offer p50 s": round(offer.p50, 3), "ingest→offer p95 s": round(offer.p95, 3),
    };
    rows.push(row);
    results[`batch_${batchSize}${rate > 0 ? `_paced_${rate}` : ""}`] = row;
  }
  printTable(rows);
  if (!METRICS) {
    printJson("whatsapp-ingest", { machine: env, ingest: results });
    return void (await p.end());
  }

  // Phase 2: counters worth 10,000,000 messages over 7 days of minutes, and a full failure log.
  const minutes = 7 * 24 * 60;
  await p.query(`TRUNCATE whatsapp_counters, whatsapp_counter_totals`);
  await p.query(
    `INSERT INTO whatsapp_counters (bucket, name, shard, count)
     SELECT date_trunc('minute', now()) - make_interval(mins => m), n, s, CASE WHEN n IN ('accepted', 'extracted', 'created') THEN ${Math.ceil(10_000_000 / minutes / 8)} ELSE 1 END
       FROM generate_series(0, ${minutes - 1}) m, unnest($1::text[]) n, generate_series(0, 7) s`,
    [["accepted", "created", "deduped", "extracted", "errors", "media_uploaded", "media_deduped", "media_failed", "auth_failures", "forbidden", "rate_limited", "signature_failures"]],
  );
  await p.query(`INSERT INTO whatsapp_counter_totals (name, shard, count) SELECT name, shard, sum(count) FROM whatsapp_counters GROUP BY name, shard`);
  await p.query(`INSERT INTO whatsapp_failures (kind, reason, client_id, chat_title, status) SELECT 'auth', 'invalid_token', 'bench', 'Bench', 401 FROM generate_series(1, 500)`);
  await p.query(`ANALYZE whatsapp_counters; ANALYZE whatsapp_counter_totals; ANALYZE whatsapp_failures`);
  const { rows: [{ n: counterRows, accepted }] } = await p.query(`SELECT count(*)::int AS n, (SELECT sum(count) FROM whatsapp_counter_totals WHERE name = 'accepted')::text AS accepted FROM whatsapp_counters`);
  const times: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const t0 = performance.now();
    JSON.stringify(await metricsPayload(p));
    times.push(performance.now() - t0);
  }
  const m = summarize(times.slice(50));
  const metricsRow = { "accepted total": Number(accepted), "counter rows": counterRows, requests: m.n, "p50 ms": round(m.p50, 2), "p95 ms": round(m.p95, 2), "p99 ms": round(m.p99, 2), "max ms": round(m.max, 2) };
  printTable([metricsRow]);
  printJson("whatsapp-ingest", { machine: env, ingest: results, metrics: metricsRow });
  await p.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
