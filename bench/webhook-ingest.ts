// Webhook ingest throughput: signed Stripe deliveries POSTed over HTTP (keep-alive, 127.0.0.1 only)
// to the real route handler in a child process, with signature verification, dedupe by event id
// and a queued task per new handled event. The mix: 80 % new handled events, 10 % replays of
// earlier ones, 10 % unhandled types. Prints events/s and latency; verifies afterwards that every
// event id was recorded once and enqueued at most once. Floor (issue 8): ≥ 1,000 events/s.
//   npm run bench:webhooks [-- --events 20000 --concurrency 32]
import http from "node:http";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { signedDelivery, stripeEvent } from "@/lib/payments/signing";
import { benchUrl, ensureOpsdeckDatabase, printJson, printTable, round, spawnTs, summarize, waitForExit, waitForMessage } from "./lib/common";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EVENTS = arg("events", 20_000);
const CONCURRENCY = arg("concurrency", 32);
const WARMUP = 500;
const FLOOR = 1_000;

function deliveries(n: number, secret: string): { body: string; signature: string; id: string }[] {
  const out: { body: string; signature: string; id: string }[] = [];
  for (let i = 0; i < n; i++) {
    const roll = i % 10;
    if (roll === 9 && out.length > 0) {
      out.push(out[Math.floor(Math.random() * out.length)]); // replay: the same bytes and signature
      continue;
    }
    const ref = `BENCH-${randomBytes(5).toString("hex")}`;
    const event =
      roll === 8
        ? stripeEvent({ type: "customer.updated", object: { id: `cus_${randomBytes(6).toString("hex")}`, object: "customer" } })
        : stripeEvent({ type: "payment_intent.succeeded", object: { id: `pi_${randomBytes(8).toString("hex")}`, object: "payment_intent", amount: 2500, currency: "eur", metadata: { order_reference: ref } } });
    out.push({ ...signedDelivery(event, secret), id: event.id });
  }
  return out;
}

async function fire(port: number, list: { body: string; signature: string }[], concurrency: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const one = (d: { body: string; signature: string }) =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(
        { host: "127.0.0.1", port, path: "/api/v1/payments/webhooks/stripe", method: "POST", agent, headers: { "content-type": "application/json", "stripe-signature": d.signature, "content-length": Buffer.byteLength(d.body) } },
        (res) => {
          res.resume();
          res.on("end", () => {
            latencies.push(performance.now() - t0);
            statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
            resolve();
          });
        },
      );
      req.on("error", reject);
      req.end(d.body);
    });
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < list.length) await one(list[next++]);
  }));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, latencies, statuses: Object.fromEntries(statuses) };
}

async function main() {
  const url = benchUrl();
  await ensureOpsdeckDatabase(url);
  const db = new pg.Pool({ connectionString: url, max: 2 });
  await db.query(`TRUNCATE payment_webhook_events, payment_counters; DELETE FROM fulfillment_tasks WHERE task_type = 'process_payment_webhook'`);
  const secret = `whsec_bench_${randomBytes(16).toString("hex")}`;
  const child = spawnTs("bench/lib/webhook-server.ts", [JSON.stringify({ url, secret })], { OPSDECK_DB_POOL_MAX: String(CONCURRENCY) });
  const { port } = await waitForMessage<{ type: string; port: number }>(child, "listening");
  try {
    console.log(`warm-up: ${WARMUP} deliveries; then ${EVENTS} deliveries at concurrency ${CONCURRENCY} to 127.0.0.1:${port}`);
    await fire(port, deliveries(WARMUP, secret), CONCURRENCY);
    const list = deliveries(EVENTS, secret);
    const r = await fire(port, list, CONCURRENCY);
    const lat = summarize(r.latencies);
    const rate = EVENTS / r.seconds;
    const ids = new Set(list.map((d) => d.id));
    const { rows } = await db.query<{ events: string; tasks: string; deliveries: string }>(
      `SELECT (SELECT count(*) FROM payment_webhook_events WHERE id = ANY($1::text[]))::text AS events,
              (SELECT coalesce(sum(deliveries), 0) FROM payment_webhook_events WHERE id = ANY($1::text[]))::text AS deliveries,
              (SELECT count(*) FROM fulfillment_tasks WHERE task_type = 'process_payment_webhook' AND payload->>'eventId' = ANY($1::text[]))::text AS tasks`,
      [[...ids]],
    );
    const handled = new Set(list.filter((d) => d.body.includes('"payment_intent.succeeded"')).map((d) => d.id));
    const dedupeOk = Number(rows[0].events) === ids.size && Number(rows[0].tasks) === handled.size && Number(rows[0].deliveries) === EVENTS;
    printTable([
      { metric: "deliveries", value: EVENTS },
      { metric: "unique events", value: ids.size },
      { metric: "events/s", value: round(rate, 0) },
      { metric: "latency p50 ms", value: round(lat.p50, 2) },
      { metric: "latency p95 ms", value: round(lat.p95, 2) },
      { metric: "latency p99 ms", value: round(lat.p99, 2) },
      { metric: "statuses", value: JSON.stringify(r.statuses) },
      { metric: "rows = unique ids, tasks = handled ids, deliveries summed", value: dedupeOk ? "yes" : `NO ${JSON.stringify(rows[0])}` },
      { metric: `floor ${FLOOR} events/s`, value: rate >= FLOOR ? "met" : "NOT met" },
    ]);
    printJson("webhook-ingest", { events: EVENTS, concurrency: CONCURRENCY, seconds: round(r.seconds, 2), eventsPerSecond: round(rate, 0), latencyMs: lat, statuses: r.statuses, dedupeOk });
    if (!dedupeOk || rate < FLOOR) process.exitCode = 1;
  } finally {
    child.send({ type: "stop" });
    await waitForExit(child);
    await db.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
