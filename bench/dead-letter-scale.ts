// The dead-letter console at 1,000,000 dead-lettered tasks: generates them with generate_series
// (realistic task types and payloads, error classes and messages carrying ids, skewed error groups,
// spread over 30 days, plus succeeded tasks the queries must skip), then times the console's own
// query functions (lib/fulfillment/dead-letters/queries.ts) p50/p95 and a filtered bulk retry of
// ~100,000 through the real bulk-operation runner (lib/fulfillment/dead-letters/bulk.ts). Also times
// the worker's claim() with the million dead rows present, since they share the table.
// Run: npm run bench:dead-letters   (env: BENCH_DATABASE_URL, BENCH_DEAD_ROWS, BENCH_BULK_ROWS,
// BENCH_RUNS, BENCH_REGENERATE=1 to rebuild the data)
import pg from "pg";
import { benchUrl, ensureOpsdeckDatabase, intEnv, machine, printJson, printTable, round, siblingUrl, summarize } from "./lib/common";
import { opsdeck } from "./lib/opsdeck";

const DEAD = intEnv("BENCH_DEAD_ROWS", 1_000_000);
const SUCCEEDED = Math.floor(DEAD / 5);
const BULK = intEnv("BENCH_BULK_ROWS", 100_000);
const RUNS = intEnv("BENCH_RUNS", 30);
const AIM_MS = 200;
const BULK_AIM_S = 30;
const DAY_MS = 86_400_000;

// Its own database (opsdeck_bench_dead_letters), so the other benchmarks' resets keep the million rows
// between runs. h2's modules read DATABASE_URL lazily through lib/platform/db's pool(): point it there.
const url = siblingUrl(benchUrl(), "dead_letters");
process.env.DATABASE_URL = url;
process.env.LOG_LEVEL ??= "warn";

/**
 * Error catalogue: class, message template (the `#` is replaced by a per-row id, as real messages
 * carry request/order ids), top stack frame. Group sizes are skewed (a few loud groups, a long tail):
 * the group index is floor(60 * r^3) over 60 variants (each template × 3 top frames).
 */
const GENERATE_SQL = `
WITH cat(k, task_type, cls, msg, frame) AS (
  VALUES
   (0, 'reserve_inventory', 'ProviderTimeout', 'warehouse provider did not answer within 5000 ms (POST /reservations, request req_#)', 'WarehouseAdapter.reserve'),
   (1, 'ship_order_item', 'ProviderTimeout', 'carrier API timed out after 8000 ms (POST /shipments, request req_#)', 'CarrierAdapter.book'),
   (2, 'capture_payment', 'PaymentDeclined', 'card declined by issuer: insufficient_funds (charge ch_#)', 'PaymentAdapter.capture'),
   (3, 'ship_order_item', 'CarrierRejected', 'carrier rejected shipment: postcode # is not served', 'CarrierAdapter.book'),
   (4, 'reserve_inventory', 'OutOfStock', 'sku SKU-# has 0 units available in warehouse AMS-1', 'WarehouseAdapter.reserve'),
   (5, 'notify_customer', 'HttpError', 'HTTP 503 Service Unavailable from notification gateway (message msg_#)', 'NotifyAdapter.send'),
   (6, 'capture_payment', 'HttpError', 'HTTP 502 Bad Gateway from payment provider (charge ch_#)', 'PaymentAdapter.capture'),
   (7, 'notify_customer', 'ValidationError', 'template order_shipped is missing variable tracking_url for order ORD-#', 'Templates.render'),
   (8, 'capture_payment', 'LedgerMismatch', 'ledger mismatch for order ORD-#: captured amount differs from authorised amount', 'Ledger.reconcile'),
   (9, 'ship_order_item', 'ConnectionReset', 'read ECONNRESET while calling carrier (request req_#)', 'HttpClient.request'),
   (10, 'reserve_inventory', 'HttpError', 'HTTP 429 Too Many Requests from warehouse provider (request req_#)', 'WarehouseAdapter.reserve'),
   (11, 'notify_customer', 'ProviderTimeout', 'SMS gateway timed out after 3000 ms (message msg_#)', 'NotifyAdapter.send'),
   (12, 'capture_payment', 'ValidationError', 'currency XTS is not supported for order ORD-#', 'PaymentAdapter.capture'),
   (13, 'ship_order_item', 'ValidationError', 'package weight 0 g is invalid for shipment shp_#', 'CarrierAdapter.book'),
   (14, 'reserve_inventory', 'DeadlockDetected', 'deadlock detected while reserving sku SKU-# (warehouse AMS-1)', 'Inventory.reserveRow'),
   (15, 'notify_customer', 'HttpError', 'HTTP 400 Bad Request from email provider: invalid recipient for order ORD-#', 'NotifyAdapter.send'),
   (16, 'capture_payment', 'ProviderTimeout', 'payment provider timed out after 10000 ms (charge ch_#)', 'PaymentAdapter.capture'),
   (17, 'ship_order_item', 'HttpError', 'HTTP 500 Internal Server Error from carrier (request req_#)', 'CarrierAdapter.book'),
   (18, 'reserve_inventory', 'ValidationError', 'quantity # exceeds the per-order limit of 50', 'WarehouseAdapter.reserve'),
   (19, 'notify_customer', 'ConnectionReset', 'socket hang up while calling notification gateway (message msg_#)', 'HttpClient.request')
), frames(f, frame2) AS (
  VALUES (0, 'at Worker.runOne (lib/fulfillment/worker.ts:171)'), (1, 'at retry (lib/fulfillment/providers.ts:88)'), (2, 'at async Promise.all (index 0)')
), src AS (
  SELECT g, floor(60 * power(random(), 3))::int AS grp, random() AS r2, random() AS r3,
         now() - ($1::int - g) * (interval '30 days' / $1::int) - random() * interval '1 hour' AS dead_at
    FROM generate_series(1, $1::int) g
)
INSERT INTO fulfillment_tasks (task_type, payload, status, attempts, max_attempts, run_at, last_error_class, last_error,
                               error_fingerprint, dead_lettered_at, finished_at, created_at, updated_at)
SELECT c.task_type,
       CASE c.task_type
         WHEN 'reserve_inventory' THEN jsonb_build_object('sku', 'SKU-' || (1000 + (s.r2 * 9000)::int), 'quantity', 1 + (s.r3 * 4)::int, 'warehouse', 'AMS-1')
         WHEN 'capture_payment' THEN jsonb_build_object('orderReference', 'ORD-' || (100000 + s.g), 'amountCents', 500 + (s.r2 * 50000)::int, 'currency', 'EUR')
         WHEN 'ship_order_item' THEN jsonb_build_object('sku', 'SKU-' || (1000 + (s.r2 * 9000)::int), 'quantity', 1 + (s.r3 * 4)::int, 'carrier', 'postnl', 'postcode', (1000 + (s.r3 * 8999)::int) || 'AB')
         ELSE jsonb_build_object('orderReference', 'ORD-' || (100000 + s.g), 'channel', CASE WHEN s.r2 < 0.7 THEN 'email' ELSE 'sms' END, 'template', 'order_shipped')
       END,
       'dead_lettered', 5, 5, s.dead_at - interval '40 minutes',
       c.cls,
       replace(c.msg, '#', CASE WHEN c.cls IN ('OutOfStock', 'ValidationError') AND c.k IN (4, 18) THEN (1 + (s.r3 * 60)::int)::text ELSE to_hex(s.g::bigint * 7919) END),
       'fp_' || left(md5(c.cls || '|' || c.msg || '|' || c.frame || '|' || f.frame2), 16),
       s.dead_at, s.dead_at, s.dead_at - interval '2 hours', s.dead_at
  FROM src s
  JOIN cat c ON c.k = s.grp % 20
  JOIN frames f ON f.f = s.grp / 20`;

interface Timed {
  query: string;
  p50: number;
  p95: number;
  max: number;
  rows: number;
}

async function time(name: string, fn: () => Promise<number>): Promise<Timed> {
  let rows = await fn(); // warm-up, not counted
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    rows = await fn();
    samples.push(performance.now() - t);
  }
  const s = summarize(samples);
  const r = { query: name, p50: round(s.p50, 1), p95: round(s.p95, 1), max: round(s.max, 1), rows };
  console.log(`  ${name.padEnd(60)} p50 ${String(r.p50).padStart(7)} ms  p95 ${String(r.p95).padStart(7)} ms  (${rows} rows)`);
  return r;
}

async function generate(c: pg.Client): Promise<number> {
  const { rows } = await c.query<{ dead: number; other: number }>(
    `select count(*) filter (where status = 'dead_lettered')::int as dead, count(*) filter (where status <> 'dead_lettered')::int as other from fulfillment_tasks`,
  );
  if (!process.env.BENCH_REGENERATE && rows[0].dead === DEAD && rows[0].other === SUCCEEDED) {
    console.log(`data: ${DEAD} dead-lettered + ${SUCCEEDED} succeeded tasks already present (BENCH_REGENERATE=1 rebuilds)`);
    return 0;
  }
  const t0 = performance.now();
  await opsdeck.reset(c);
  await c.query("select setseed(0.42)");
  await c.query(GENERATE_SQL, [DEAD]);
  await c.query(
    `insert into fulfillment_tasks (task_type, payload, status, attempts, run_at, finished_at, created_at, updated_at)
     select 'notify_customer', jsonb_build_object('orderReference', 'ORD-' || g, 'channel', 'email', 'template', 'order_shipped'), 'succeeded', 1,
            now() - g * (interval '30 days' / $1::int), now() - g * (interval '30 days' / $1::int), now() - g * (interval '30 days' / $1::int), now()
       from generate_series(1, $1::int) g`,
    [SUCCEEDED],
  );
  await c.query("vacuum analyze fulfillment_tasks");
  const s = (performance.now() - t0) / 1000;
  console.log(`data: generated ${DEAD} dead-lettered + ${SUCCEEDED} succeeded tasks in ${round(s, 1)} s (incl. VACUUM ANALYZE)`);
  return s;
}

async function main() {
  await ensureOpsdeckDatabase(url);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const generateSeconds = await generate(c);
  const { rows: groupRows } = await c.query<{ fp: string; n: number }>(
    `select error_fingerprint as fp, count(*)::int as n from fulfillment_tasks where status = 'dead_lettered' group by 1 order by 2 desc`,
  );
  const { rows: sampleRow } = await c.query<{ msg: string }>(`select last_error as msg from fulfillment_tasks where status = 'dead_lettered' and last_error like '%req\\_%' offset $1 limit 1`, [Math.floor(DEAD * 0.1)]);
  // The closing parenthesis makes the id exact (req_1f is also a prefix of req_1f3a).
  const oneId = (/req_[0-9a-f]+\)/.exec(sampleRow[0]?.msg ?? "")?.[0] ?? "req_1)");
  console.log(`error groups: ${groupRows.length} (largest ${groupRows[0]?.n}, smallest ${groupRows[groupRows.length - 1]?.n})`);

  // The console's own functions (h2's code), imported after DATABASE_URL is set.
  const { listDeadLetters, previewFilter, errorGroups } = await import("@/lib/fulfillment/dead-letters/queries");
  const { createBulkOperation, runBulkOperation, getBulkOperation } = await import("@/lib/fulfillment/dead-letters/bulk");
  const platform = await import("@/lib/platform/db");

  const now = Date.now();
  const week = { from: new Date(now - 7 * DAY_MS) };
  const list = async (f: Parameters<typeof listDeadLetters>[0], cursor?: string) => (await listDeadLetters(f, { limit: 50, cursor: cursor ?? undefined })).items.length;
  // A cursor 20 pages deep, as an operator paging through would hold.
  let deepCursor: string | undefined;
  for (let i = 0; i < 20; i++) deepCursor = (await listDeadLetters({}, { limit: 50, cursor: deepCursor })).nextCursor ?? undefined;
  let deepTypeCursor: string | undefined;
  for (let i = 0; i < 10; i++) deepTypeCursor = (await listDeadLetters({ type: "capture_payment", ...week }, { limit: 50, cursor: deepTypeCursor })).nextCursor ?? undefined;

  console.log(`\ndead-letter console queries at ${DEAD.toLocaleString("en-US")} dead-lettered tasks (${RUNS} timed runs each, page size 50):`);
  const timings: Timed[] = [];
  const t = async (name: string, fn: () => Promise<number>) => timings.push(await time(name, fn));
  await t("list: no filter, first page", () => list({}));
  await t("list: no filter, page 21 (keyset cursor)", () => list({}, deepCursor));
  await t("list: task type", () => list({ type: "ship_order_item" }));
  await t("list: task type + last 7 days, page 11", () => list({ type: "capture_payment", ...week }, deepTypeCursor));
  await t("list: time range 10–20 days ago", () => list({ from: new Date(now - 20 * DAY_MS), to: new Date(now - 10 * DAY_MS) }));
  await t("list: text, common ('timed out')", () => list({ q: "timed out" }));
  await t("list: text, error class ('LedgerMismatch')", () => list({ q: "LedgerMismatch" }));
  await t(`list: text, one request id ('${oneId}')`, () => list({ q: oneId }));
  await t("list: text + type + 7 days ('declined')", () => list({ q: "declined", type: "capture_payment", ...week }));
  await t("list: largest error group", () => list({ group: groupRows[0].fp }));
  await t("list: smallest error group", () => list({ group: groupRows[groupRows.length - 1].fp }));
  await t("dry run (count + sample): type + 7 days", async () => (await previewFilter({ type: "ship_order_item", ...week })).count);
  await t("dry run (count + sample): text 'HTTP 5'", async () => (await previewFilter({ q: "HTTP 5" })).count);
  await t("error groups: all", async () => (await errorGroups({}, 50)).length);
  await t("error groups: type + last 7 days", async () => (await errorGroups({ type: "notify_customer", ...week }, 50)).length);
  // The aim is for the list with its filters; dry-run counts and error groups are reported beside it.
  const listTimings = timings.filter((x) => x.query.startsWith("list:"));
  const worst = listTimings.reduce((a, b) => (b.p95 > a.p95 ? b : a));
  const slowOthers = timings.filter((x) => !x.query.startsWith("list:") && x.p95 > AIM_MS);

  // Filtered bulk retry of ~BULK tasks: one task type, the time window that holds ~BULK of them.
  const { rows: win } = await c.query<{ at: Date }>(
    `select dead_lettered_at as at from fulfillment_tasks where status = 'dead_lettered' and task_type = 'reserve_inventory'
      order by dead_lettered_at desc offset $1 limit 1`,
    [BULK - 1],
  );
  const bulkFilter = { type: "reserve_inventory", from: win[0]?.at ?? new Date(0) };
  const dry = await previewFilter(bulkFilter);
  console.log(`\nfiltered bulk retry: filter type=reserve_inventory, from=${bulkFilter.from.toISOString()}; dry run counts ${dry.count}`);
  const b0 = performance.now();
  const op = await createBulkOperation("retry", bulkFilter, { actor: "bench:dead-letter-scale", reason: "benchmark: filtered bulk retry at scale" }, { start: false });
  const frozenMs = performance.now() - b0;
  const outcome = await runBulkOperation(op.id);
  const bulkMs = performance.now() - b0;
  const final = await getBulkOperation(op.id);
  const { rows: requeued } = await c.query<{ n: number }>(
    `select count(*)::int as n from fulfillment_tasks where status = 'pending' and id in (select task_id from fulfillment_bulk_operation_items where operation_id = $1)`,
    [op.id],
  );
  console.log(
    `  froze ${op.total} ids in ${round(frozenMs / 1000, 2)} s; run ${outcome}: processed ${final.processed}, changed ${final.changed}, now pending ${requeued[0].n}; total ${round(bulkMs / 1000, 2)} s (aim ≤ ${BULK_AIM_S} s)`,
  );

  // The worker's claim() with a million dead rows in the same table: enqueue a little live work and time it.
  const { claim, complete } = await import("@/lib/fulfillment/queue");
  const claimMs: number[] = [];
  const claimPool = new pg.Pool({ connectionString: url, max: 2 });
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const tasks = await claim(claimPool, "bench-scale", 100, 30_000);
    claimMs.push(performance.now() - t0);
    if (!tasks.length) break;
    await complete(claimPool, "bench-scale", tasks.map((x) => ({ id: x.id, durationMs: 0 })));
  }
  await claimPool.end();
  const claimStats = summarize(claimMs);
  console.log(`  worker claim() of 100 from the ${requeued[0].n.toLocaleString("en-US")} requeued with ${DEAD.toLocaleString("en-US")} dead rows in the table: p50 ${round(claimStats.p50, 1)} ms, p95 ${round(claimStats.p95, 1)} ms (${claimMs.length} claims)`);

  // Put the data back exactly (created_at = dead_lettered_at - 2 h at generation), so a re-run needs no rebuild.
  await c.query(
    `update fulfillment_tasks set status = 'dead_lettered', attempts = max_attempts, dead_lettered_at = created_at + interval '2 hours',
            finished_at = created_at + interval '2 hours', run_at = created_at + interval '80 minutes', lease_owner = null, lease_expires_at = null
      where id in (select task_id from fulfillment_bulk_operation_items where operation_id = $1)`,
    [op.id],
  );
  await c.query("delete from fulfillment_attempts");
  await c.query("vacuum analyze fulfillment_tasks");
  await c.end();

  const env = await machine(url);
  console.log("");
  printTable(timings.map((x) => ({ query: x.query, "p50 ms": x.p50, "p95 ms": x.p95, "max ms": x.max, rows: x.rows })));
  console.log(
    `\nlist/filter: worst p95 ${worst.p95} ms (${worst.query}); aim ≤ ${AIM_MS} ms → ${worst.p95 <= AIM_MS ? "MET" : "NOT MET"}. ` +
      (slowOthers.length ? `Other console queries over ${AIM_MS} ms p95: ${slowOthers.map((x) => `${x.query} (${x.p95} ms)`).join("; ")}. ` : "") +
      `Bulk retry of ${final.changed} in ${round(bulkMs / 1000, 2)} s; aim ≤ ${BULK_AIM_S} s → ${bulkMs / 1000 <= BULK_AIM_S && final.changed >= Math.min(BULK, dry.count) ? "MET" : "NOT MET"}.`,
  );
  printJson("dead-letter-scale", {
    machine: env,
    deadRows: DEAD,
    succeededRows: SUCCEEDED,
    errorGroups: groupRows.length,
    generateSeconds: round(generateSeconds, 1),
    runs: RUNS,
    queries: timings,
    listWorstP95Ms: worst.p95,
    otherQueriesOverAim: slowOthers.map((x) => x.query),
    bulkRetry: { dryRunCount: dry.count, frozen: op.total, processed: final.processed, changed: final.changed, outcome, freezeSeconds: round(frozenMs / 1000, 2), totalSeconds: round(bulkMs / 1000, 2) },
    claimWithDeadRows: { p50Ms: round(claimStats.p50, 2), p95Ms: round(claimStats.p95, 2), claims: claimMs.length },
  });
  await platform.db().$disconnect();
  await platform.pool().end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
