import "server-only";
// Demo traffic: orders with items arrive continuously (a few per second, with bursts), each
// creating its fulfillment tasks, so every screen is alive within a minute of `npm start`.
// The failure mix comes from the simulated provider (see provider.ts).
import { randomUUID, randomInt } from "node:crypto";
import type pg from "pg";
import { pool } from "@/lib/platform/db";
import { logger } from "@/lib/platform/logger";
import type { WorkerDefinition } from "@/lib/platform/worker-runtime";
import { enqueue, type EnqueueTask } from "./queue";
import { fulfillmentSettings } from "./settings";
import { fulfillmentTasksForOrder } from "./order-tasks";

const SKUS = ["SKU-TEE-BLK-M", "SKU-TEE-WHT-L", "SKU-MUG-001", "SKU-CAP-RED", "SKU-SOCK-3PK", "SKU-HOODIE-S", "SKU-POSTER-A2"];
const CARRIERS = ["dhl", "ups", "postnl", "dpd"];
const WAREHOUSES = ["ams-1", "ber-2", "lis-1"];
const CUSTOMERS = ["ada@example.com", "grace@example.com", "linus@example.com", "margaret@example.com", "ken@example.com"];
const pick = <T>(xs: readonly T[]) => xs[randomInt(xs.length)];

/** Creates `count` orders (1–3 items each) and their tasks in one transaction. */
export async function createDemoOrders(p: pg.Pool, count: number): Promise<number> {
  const client = await p.connect();
  try {
    await client.query("BEGIN");
    const tasks: EnqueueTask[] = [];
    for (let i = 0; i < count; i++) {
      const orderId = randomUUID();
      const reference = `ORD-${Date.now().toString(36).toUpperCase()}-${randomInt(1e6).toString().padStart(6, "0")}`;
      const items = Array.from({ length: 1 + randomInt(3) }, () => ({ id: randomUUID(), sku: pick(SKUS), quantity: 1 + randomInt(3) }));
      const total = items.reduce((s, it) => s + it.quantity * (900 + randomInt(4000)), 0);
      await client.query(`INSERT INTO orders (id, reference, customer, total_cents, currency) VALUES ($1, $2, $3, $4, 'EUR')`, [orderId, reference, pick(CUSTOMERS), total]);
      await client.query(
        `INSERT INTO order_items (id, order_id, sku, quantity) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[])`,
        [items.map((it) => it.id), items.map(() => orderId), items.map((it) => it.sku), items.map((it) => it.quantity)],
      );
      tasks.push(...fulfillmentTasksForOrder(
        { reference, totalCents: total, currency: "EUR", items },
        { warehouse: pick(WAREHOUSES), carrier: pick(CARRIERS), postcode: `${1000 + randomInt(8999)} AB`, channel: pick(["email", "sms"] as const) },
      ));
    }
    await enqueue(client, tasks);
    await client.query("COMMIT");
    return tasks.length;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export const simulatorDefinition: WorkerDefinition = {
  name: "fulfillment-simulator",
  enabled() {
    const s = fulfillmentSettings();
    if (!s.OPSDECK_SIMULATOR) return { enabled: false, reason: "OPSDECK_SIMULATOR is not true (the demo launcher sets it)" };
    return { enabled: true, settings: { ordersPerSecond: s.OPSDECK_SIMULATOR_RATE_PER_SECOND } };
  },
  async start() {
    const rate = fulfillmentSettings().OPSDECK_SIMULATOR_RATE_PER_SECOND;
    let stopped = false;
    let tick = 0;
    let inFlight: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      tick++;
      // Roughly `rate` orders a second, and every ~45 s a burst of 10× for a few seconds.
      const burst = tick % 45 < 3 ? 10 : 1;
      const count = Math.max(0, Math.round(rate * burst * (0.5 + Math.random())));
      if (stopped || count === 0) return;
      inFlight = createDemoOrders(pool(), count).catch((err) => logger.warn({ err }, "demo simulator could not create orders; will try again"));
    }, 1_000);
    return {
      async stop() {
        stopped = true;
        clearInterval(timer);
        await inFlight;
      },
    };
  },
};

const HISTORY_MARK = "DEMO-HISTORY";
const HISTORY_ORDERS = 240;
const HISTORY_ERRORS = [
  { cls: "ProviderRejectedError", msg: (ref: string) => `Unknown SKU ${ref} at provider`, type: "reserve_inventory" },
  { cls: "ProviderRejectedError", msg: (ref: string) => `Card declined for ${ref}: insufficient funds`, type: "capture_payment" },
  { cls: "ProviderError", msg: () => "Provider ship_order_item failed with 503: upstream warehouse unavailable", type: "ship_order_item" },
  { cls: "ProviderTimeoutError", msg: () => "Provider notify_customer timed out after 5000 ms", type: "notify_customer" },
];

/**
 * Demo history, once: 240 orders from the last few hours, mostly succeeded (some after a retry),
 * 20 dead letters across
 * four error groups (each with its attempt timeline and counters). Idempotent via a marker order.
 */
export async function seedFulfillmentHistory(p: pg.Pool = pool()): Promise<void> {
  const { errorFingerprint } = await import("./errors");
  const client = await p.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('fulfillment_demo_history'))`);
    const seen = await client.query(`SELECT 1 FROM orders WHERE reference = $1`, [`${HISTORY_MARK}-0`]);
    if (seen.rowCount) {
      await client.query("COMMIT");
      return;
    }
    for (let i = 0; i < HISTORY_ORDERS; i++) {
      const orderId = randomUUID();
      const itemId = randomUUID();
      const ref = `${HISTORY_MARK}-${i}`;
      const sku = pick(SKUS);
      const hoursAgo = 0.5 + (i / HISTORY_ORDERS) * 5;
      await client.query(
        `INSERT INTO orders (id, reference, customer, total_cents, created_at) VALUES ($1, $2, $3, $4, now() - make_interval(secs => $5::float * 3600))`,
        [orderId, ref, pick(CUSTOMERS), 2500 + i * 10, hoursAgo],
      );
      await client.query(`INSERT INTO order_items (id, order_id, sku, quantity, created_at) VALUES ($1, $2, $3, 1, now() - make_interval(secs => $4::float * 3600))`, [
        itemId, orderId, sku, hoursAgo,
      ]);
      const failure = i % 12 === 0 ? HISTORY_ERRORS[(i / 12) % HISTORY_ERRORS.length] : null;
      const retriedOnce = !failure && i % 5 === 0;
      const type = failure?.type ?? pick(["reserve_inventory", "ship_order_item", "notify_customer"]);
      const payload =
        type === "reserve_inventory" ? { sku, quantity: 1, warehouse: "ams-1", orderItemId: itemId }
        : type === "capture_payment" ? { orderReference: ref, amountCents: 2500, currency: "EUR", orderItemId: itemId }
        : type === "ship_order_item" ? { sku, quantity: 1, carrier: "dhl", postcode: "1011 AB", orderItemId: itemId }
        : { orderReference: ref, channel: "email", template: "order_shipped", orderItemId: itemId };
      const attempts = failure ? (failure.cls === "ProviderRejectedError" ? 1 : 5) : retriedOnce ? 2 : 1;
      const message = failure ? failure.msg(failure.type === "capture_payment" ? ref : sku) : null;
      const err = failure ? Object.assign(new Error(message!), { name: failure.cls, stack: `${failure.cls}: ${message}\n    at Object.call (lib/fulfillment/provider.ts:1:1)` }) : null;
      // A dead letter stays in the queue table; a succeeded task has left it, and its success attempt
      // (below) keeps its record.
      const { rows } = failure
        ? await client.query<{ id: string }>(
          `INSERT INTO fulfillment_tasks (task_type, payload, status, attempts, max_attempts, run_at, created_at, updated_at, finished_at,
                                          dead_lettered_at, last_error_class, last_error, error_fingerprint, order_item_id)
           VALUES ($1, $2, 'dead_lettered', $3, 5, now() - make_interval(secs => $4::float * 3600), now() - make_interval(secs => $4::float * 3600),
                   now() - make_interval(secs => $4::float * 3600 - 60), now() - make_interval(secs => $4::float * 3600 - 60),
                   now() - make_interval(secs => $4::float * 3600 - 60), $5, $6, $7, $8)
           RETURNING id`,
          [type, JSON.stringify(payload), attempts, hoursAgo, failure.cls, message, errorFingerprint(err), itemId],
        )
        : await client.query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('fulfillment_tasks', 'id'))::text AS id`);
      for (let a = 1; a <= attempts; a++) {
        const last = a === attempts;
        const outcome = !last ? "failed" : failure ? "dead_lettered" : "succeeded";
        await client.query(
          `INSERT INTO fulfillment_attempts (task_id, attempt, task_type, worker_id, started_at, finished_at, outcome, error_class, error_message, error_stack, duration_ms, backoff_ms,
                                            task_created_at, payload, order_item_id)
           VALUES ($1, $2, $3, 'demo-history', now() - make_interval(secs => $4::float * 3600 - $2 * 10), now() - make_interval(secs => $4::float * 3600 - $2 * 10 - 1),
                   $5::attempt_outcome, $6, $7, $8, 120, $9, CASE WHEN $5 = 'succeeded' THEN now() - make_interval(secs => $4::float * 3600) END,
                   CASE WHEN $5 = 'succeeded' THEN $10::jsonb END, CASE WHEN $5 = 'succeeded' THEN $11::uuid END)`,
          [
            rows[0].id, a, type, hoursAgo, outcome,
            ...(retriedOnce && outcome === "failed"
              ? ["ProviderTimeoutError", `Provider ${type} timed out after 5000 ms`, null, 1000 * 2 ** a]
              : [failure?.cls ?? null, message, err?.stack ?? null, outcome === "failed" ? 1000 * 2 ** a : null]),
            JSON.stringify(payload), itemId,
          ],
        );
        await client.query(
          `INSERT INTO fulfillment_counters (bucket, task_type, outcome, count, duration_ms)
           VALUES (date_trunc('minute', now() - make_interval(secs => $1::float * 3600)), $2, $3, 1, 120)
           ON CONFLICT (bucket, task_type, outcome, shard) DO UPDATE SET count = fulfillment_counters.count + 1, duration_ms = fulfillment_counters.duration_ms + 120`,
          [hoursAgo, type, outcome === "failed" ? "retried" : outcome],
        );
      }
    }
    await client.query("COMMIT");
    logger.info({ event: "demo_seeded", what: "fulfillment history" }, "seeded fulfillment demo history");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
