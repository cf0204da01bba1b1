// Scale check for the dead-letter console: seeds N dead-lettered tasks (default 1,000,000, plus
// N/2 succeeded ones that the partial indexes must ignore) into DATABASE_URL, then times the
// console's real queries (p50/p95 over repeated runs, EXPLAIN ANALYZE of each) and a filtered bulk
// retry of up to 100,000 tasks through the real chunked runner. Prints figures; changes only the
// database it is pointed at — use a scratch database:
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/h2_bench \
//     npx tsx --conditions=react-server lib/fulfillment/dead-letters/scale-check.ts [--rows 1000000] [--bulk 100000]
import { pool, db } from "@/lib/platform/db";
import { filterWhere, listDeadLetters, errorGroups, previewFilter } from "./queries";
import { encodeCursor } from "@/lib/platform/http/schema-types";
import { createBulkOperation, runBulkOperation, getBulkOperation } from "./bulk";
import type { DeadLetterFilter } from "./filter";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg("rows", 1_000_000);
const BULK = arg("bulk", 100_000);
const RUNS = arg("runs", 20);

async function seed(): Promise<void> {
  const { rows } = await pool().query<{ n: string }>(`SELECT count(*)::text AS n FROM fulfillment_tasks WHERE status = 'dead_lettered'`);
  if (Number(rows[0].n) >= ROWS) return console.log(`seed: ${rows[0].n} dead-lettered rows already present`);
  const t0 = performance.now();
  // 40 error groups over 4 task types, messages carrying ids (as real ones do), times spread over 30 days.
  // One rare group ("ledger mismatch", 1 in 2,000) gives the selective text search case.
  await pool().query(
    `INSERT INTO fulfillment_tasks (task_type, payload, status, attempts, max_attempts, last_error_class, last_error, error_fingerprint, dead_lettered_at, finished_at, created_at)
     SELECT (ARRAY['reserve_inventory','capture_payment','ship_order_item','notify_customer'])[1 + g % 4],
            jsonb_build_object('sku', 'SKU-' || (g % 5000), 'quantity', 1 + g % 3, 'warehouse', 'w' || (g % 7)),
            'dead_lettered', 5, 5,
            CASE WHEN g % 2000 = 0 THEN 'LedgerMismatch' ELSE (ARRAY['ProviderTimeout','CarrierRejected','PaymentDeclined','ValidationError','HttpError'])[1 + g % 5] END,
            CASE WHEN g % 2000 = 0 THEN 'ledger mismatch for order ORD-' || g
                 ELSE (ARRAY['upstream timed out after 30000 ms calling ', 'carrier rejected postcode for shipment ', 'card declined by issuer for order ',
                             'payload invalid: quantity exceeds stock for ', 'HTTP 503 from provider for request '])[1 + g % 5] || 'REQ-' || g END,
            'fp-' || CASE WHEN g % 2000 = 0 THEN 'ledger' ELSE (g % 40)::text END,
            now() - (g::float / $1) * interval '30 days', now(), now() - interval '31 days'
       FROM generate_series(1, $1::int) g`,
    [ROWS],
  );
  await pool().query(
    `INSERT INTO fulfillment_tasks (task_type, payload, status, attempts, finished_at)
     SELECT 'noop', '{}', 'succeeded', 1, now() FROM generate_series(1, $1::int)`,
    [Math.floor(ROWS / 2)],
  );
  await pool().query(`VACUUM ANALYZE fulfillment_tasks`);
  console.log(`seed: ${ROWS} dead-lettered + ${Math.floor(ROWS / 2)} succeeded rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function time(name: string, fn: () => Promise<unknown>, explain?: { f: DeadLetterFilter; extra?: string }) {
  await fn(); // warm
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))].toFixed(1);
  console.log(`${name.padEnd(58)} p50 ${pct(0.5).padStart(7)} ms   p95 ${pct(0.95).padStart(7)} ms`);
  if (explain) {
    const params: unknown[] = [];
    const where = filterWhere(explain.f, params);
    const { rows } = await pool().query(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT t.id FROM fulfillment_tasks t WHERE ${where} ${explain.extra ?? "ORDER BY t.dead_lettered_at DESC, t.id DESC LIMIT 51"}`,
      params,
    );
    for (const r of rows) console.log(`    ${r["QUERY PLAN"]}`);
  }
}

async function main() {
  await seed();
  const first = await listDeadLetters({}, { limit: 50 });
  const deep = await listDeadLetters({ type: "capture_payment", from: new Date(Date.now() - 20 * 86_400_000) }, { limit: 50 });
  console.log(`\nqueries (${RUNS} runs each):`);
  await time("list, no filter, first page", () => listDeadLetters({}, { limit: 50 }), { f: {} });
  await time("list, no filter, next page (keyset)", () => listDeadLetters({}, { limit: 50, cursor: first.nextCursor! }));
  await time("list, type + time range", () => listDeadLetters({ type: "capture_payment", from: new Date(Date.now() - 20 * 86_400_000), to: new Date(Date.now() - 10 * 86_400_000) }, { limit: 50 }), {
    f: { type: "capture_payment", from: new Date(Date.now() - 20 * 86_400_000), to: new Date(Date.now() - 10 * 86_400_000) },
  });
  await time("list, type + from, page 2", () => listDeadLetters({ type: "capture_payment", from: new Date(Date.now() - 20 * 86_400_000) }, { limit: 50, cursor: encodeCursor({ at: deep.items[49].deadLetteredAt, id: deep.items[49].id }) }));
  await time("list, error text common ('timed out', 20% of rows)", () => listDeadLetters({ q: "timed out" }, { limit: 50 }), { f: { q: "timed out" } });
  await time("list, error text rare ('ledger mismatch', 0.05%)", () => listDeadLetters({ q: "ledger mismatch" }, { limit: 50 }), { f: { q: "ledger mismatch" } });
  await time("list, error text, one id ('REQ-777777')", () => listDeadLetters({ q: "REQ-777777" }, { limit: 50 }), { f: { q: "REQ-777777" } });
  await time("list, error group", () => listDeadLetters({ group: "fp-7" }, { limit: 50 }), { f: { group: "fp-7" } });
  await time("dry-run count, rare text", () => previewFilter({ q: "ledger mismatch" }));
  await time("dry-run count, type (250k rows)", () => previewFilter({ type: "ship_order_item" }));
  await time("error groups, all 1M", () => errorGroups({}, 50));
  await time("error groups, type + last 3 days", () => errorGroups({ type: "notify_customer", from: new Date(Date.now() - 3 * 86_400_000) }, 50));

  if (BULK > 0) {
    // A filter matching ~BULK rows: one task type over the newest part of the time range.
    const share = Math.min(1, (BULK * 4) / ROWS);
    const filter: DeadLetterFilter = { type: "reserve_inventory", from: new Date(Date.now() - share * 30 * 86_400_000) };
    const dry = await previewFilter(filter);
    const t0 = performance.now();
    const op = await createBulkOperation("retry", filter, { actor: "bench:scale-check", reason: "scale check" }, { start: false });
    const frozen = performance.now();
    await runBulkOperation(op.id);
    const done = performance.now();
    const final = await getBulkOperation(op.id);
    console.log(
      `\nbulk retry: dry run ${dry.count}, frozen ${op.total} in ${((frozen - t0) / 1000).toFixed(2)} s, ` +
        `processed ${final.processed} / changed ${final.changed} in ${((done - frozen) / 1000).toFixed(2)} s (total ${((done - t0) / 1000).toFixed(2)} s), status ${final.status}`,
    );
    // Put them back so the check can be re-run on the same data.
    await pool().query(`UPDATE fulfillment_tasks SET status = 'dead_lettered', dead_lettered_at = now() - random() * interval '30 days' WHERE id IN (SELECT task_id FROM fulfillment_bulk_operation_items WHERE operation_id = $1)`, [op.id]);
  }
  await db().$disconnect();
  await pool().end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
