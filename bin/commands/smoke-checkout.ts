// `opsdeck smoke checkout`: the seed's smoke_checkout contract, one script for both modes.
//   --base-url URL --api-key KEY [--webhook-secret S]: against a running deployment over HTTP.
//   --in-process: a throwaway embedded PostgreSQL; the same requests go straight into the route
//     handlers (real route wrapper, API-key auth, queue worker), with the simulated provider.
// Steps: checkout (with an Idempotency-Key, then its replay), a webhook signed with the SDK's
// generateTestHeaderString, processed once (its own event-log row), its replay counted as a duplicate, and the
// payments observability figures. Exit 1 naming the failed step; 2 when it cannot start.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { signedDelivery, stripeEvent } from "@/lib/payments/signing";

class SmokeFailure extends Error {}

function check(ok: boolean, step: string, detail?: unknown): void {
  if (!ok) throw new SmokeFailure(`${step}${detail === undefined ? "" : ` (got ${JSON.stringify(detail)})`}`);
  process.stdout.write(`  ✓ ${step}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Send = (method: "GET" | "POST", path: string, headers: Record<string, string>, body?: string) => Promise<Response>;

interface Observability {
  checkout: { totals: Record<string, number> };
  webhooks: { totals: Record<string, number> };
  failure_buckets: Record<string, number>;
  last_failure: unknown;
}

async function run(send: Send, apiKey: string, secret: string): Promise<void> {
  const auth = { authorization: `Bearer ${apiKey}` };
  const json = async (res: Response, step: string) => {
    const body = await res.json().catch(() => null);
    if (body === null) throw new SmokeFailure(`${step}: answered ${res.status} without a JSON body`);
    return body;
  };
  const observe = async (step: string): Promise<{ o: Observability; size: number }> => {
    const res = await send("GET", "/api/v1/payments/observability", auth);
    const text = await res.text();
    if (!res.ok) throw new SmokeFailure(`${step}: observability answered ${res.status}: ${text.slice(0, 200)}`);
    return { o: JSON.parse(text) as Observability, size: Buffer.byteLength(text) };
  };

  const { o: before } = await observe("read payments observability");
  check(["attempted", "succeeded", "failed"].every((k) => typeof before.checkout?.totals?.[k] === "number"), "observability has checkout totals");

  const reference = `SMOKE-${Date.now()}-${randomBytes(3).toString("hex")}`;
  const order = JSON.stringify({
    order_reference: reference,
    customer: "smoke@example.com",
    currency: "EUR",
    items: [{ sku: "SMOKE-SKU", quantity: 1, unit_amount_cents: 1000 }],
    payment_method: "pm_card_visa",
    shipping: { postcode: "1011 AB" },
  });
  const idem = { ...auth, "content-type": "application/json", "idempotency-key": `smoke-${reference}` };
  const first = await send("POST", "/api/v1/payments/checkout", idem, order);
  const created = await json(first, "create a checkout");
  check(first.status === 201 && created.payment?.status === "succeeded", `checkout ${reference} succeeded`, { status: first.status, body: created.error ?? created.payment });
  const replay = await send("POST", "/api/v1/payments/checkout", idem, order);
  const replayed = await json(replay, "replay the checkout");
  check(replayed.payment?.id === created.payment.id && replay.headers.get("idempotent-replayed") === "true", "the same Idempotency-Key returned the same payment, no second charge", replayed);

  const event = stripeEvent({
    type: "payment_intent.succeeded",
    object: { id: created.payment.provider_intent_id, object: "payment_intent", amount: 1000, currency: "eur", status: "succeeded", metadata: { order_reference: reference } },
  });
  const delivery = signedDelivery(event, secret);
  const hook = (d: typeof delivery) => send("POST", "/api/v1/payments/webhooks/stripe", { "content-type": "application/json", "stripe-signature": d.signature }, d.body);
  const accepted = await json(await hook(delivery), "send a signed webhook");
  check(accepted.outcome === "queued", `signed webhook ${event.id} accepted and queued`, accepted);

  // Other traffic may move the totals too (a live deployment): the event's own row is the proof.
  const eventRow = async (step: string) => {
    const res = await send("GET", `/api/v1/payments/events?id=${event.id}`, auth);
    const body = await json(res, step);
    if (!res.ok) throw new SmokeFailure(`${step}: the event log answered ${res.status}: ${body.error?.message ?? ""}`);
    return body.events[0] as { outcome: string; deliveries: number; task_id: string | null } | undefined;
  };
  const until = Date.now() + 30_000;
  let row = await eventRow("read the webhook event");
  while (Date.now() < until && row?.outcome !== "processed") {
    await sleep(500);
    row = await eventRow("wait for processing");
  }
  check(row?.outcome === "processed" && row.deliveries === 1 && row.task_id !== null, "the webhook was processed within 30 s, by one task (a queue worker must be running)", row);

  const again = await json(await hook(delivery), "replay the webhook");
  check(again.outcome === "duplicate", "the replayed webhook was acknowledged as a duplicate", again);
  const replayed2 = await eventRow("read the webhook event after the replay");
  check(replayed2?.deliveries === 2 && replayed2.outcome === "processed" && replayed2.task_id === row!.task_id, "one event row with 2 deliveries, still processed once", replayed2);
  const { o: after, size } = await observe("read payments observability after the replay");
  check(after.webhooks.totals.duplicates > before.webhooks.totals.duplicates && after.webhooks.totals.processed > before.webhooks.totals.processed, "observability counts the processing and the duplicate", after.webhooks.totals);
  check(after.checkout.totals.succeeded > before.checkout.totals.succeeded, "observability counts the checkout", after.checkout.totals);
  check(size < 1024, `observability payload is under 1 KB (${size} bytes)`);
}

function remoteSender(baseUrl: string): Send {
  const base = baseUrl.replace(/\/+$/, "");
  return async (method, p, headers, body) => {
    try {
      return await fetch(`${base}${p}`, { method, headers, body, signal: AbortSignal.timeout(15_000) });
    } catch (err) {
      throw new SmokeFailure(`${method} ${p}: ${(err as Error).message} — is ${base} reachable?`);
    }
  };
}

async function inProcess(): Promise<void> {
  // The steps are the output; request logs would drown them (LOG_LEVEL still wins when set).
  if (!process.env.LOG_LEVEL) (await import("@/lib/platform/logger")).logger.level = "warn";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdeck-smoke-checkout-"));
  const { startEmbeddedPostgres } = await import("@/lib/platform/embedded-postgres");
  const { runMigrations } = await import("../lib/database");
  const { freePort } = await import("./smoke");
  process.stdout.write(`Starting a temporary PostgreSQL in ${dir}…\n`);
  let pgHandle: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  let stopWorker: (() => Promise<void>) | null = null;
  try {
    pgHandle = await startEmbeddedPostgres({ dataDir: path.join(dir, "postgres"), port: await freePort() });
    await runMigrations(pgHandle.url, { quiet: true });
    check(true, "temporary database started and migrated");
    process.env.DATABASE_URL = pgHandle.url;
    // The simulated payment provider and a throwaway webhook secret: nothing leaves this machine.
    delete process.env.STRIPE_SECRET_KEY;
    process.env.OPSDECK_DEMO = "true";
    process.env.STRIPE_WEBHOOK_SECRET = `whsec_smoke_${randomBytes(16).toString("hex")}`;
    const { NextRequest } = await import("next/server");
    const { pool } = await import("@/lib/platform/db");
    const { createApiKey } = await import("@/lib/platform/auth/api-keys");
    const { createWorker } = await import("@/lib/fulfillment/worker");
    const { taskHandlers } = await import("@/lib/domains");
    const routes: Record<string, (req: InstanceType<typeof NextRequest>, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>> = {
      "POST /api/v1/payments/checkout": (await import("../../app/api/v1/payments/checkout/route")).POST,
      "POST /api/v1/payments/webhooks/stripe": (await import("../../app/api/v1/payments/webhooks/stripe/route")).POST,
      "GET /api/v1/payments/observability": (await import("../../app/api/v1/payments/observability/route")).GET,
      "GET /api/v1/payments/events": (await import("../../app/api/v1/payments/events/route")).GET,
    };
    const worker = createWorker({ pool: pool(), batchSize: 25, pollIntervalMs: 500, concurrency: 4, leaseMs: 10_000, maxAttempts: 5, handlers: taskHandlers() });
    await worker.start();
    stopWorker = () => worker.stop();
    const { key } = await createApiKey({ name: "smoke-checkout", scopes: ["checkout"], actor: "smoke" });
    const send: Send = (method, p, headers, body) => routes[`${method} ${p.split("?")[0]}`](new NextRequest(`http://127.0.0.1${p}`, { method, headers, body }), { params: Promise.resolve({}) });
    await run(send, key, process.env.STRIPE_WEBHOOK_SECRET);
    await worker.stop();
    stopWorker = null;
    await pool().end();
  } finally {
    await stopWorker?.().catch(() => {});
    await pgHandle?.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function registerSmokeCheckout(smoke: Command): void {
  smoke
    .command("checkout")
    .description("Check checkout and Stripe webhooks end to end (in-process on a temporary database, or against a deployment)")
    .option("--in-process", "run against a temporary embedded PostgreSQL with the simulated provider")
    .option("--base-url <url>", "a running Opsdeck, e.g. https://opsdeck.example.com")
    .option("--api-key <key>", "API key with the checkout scope", process.env.OPSDECK_API_KEY ?? process.env.CHECKOUT_API_KEY)
    .option("--webhook-secret <secret>", "the deployment's webhook signing secret (first of STRIPE_WEBHOOK_SECRET)", process.env.STRIPE_WEBHOOK_SECRET?.split(",")[0]?.trim())
    .action(async (opts: { inProcess?: boolean; baseUrl?: string; apiKey?: string; webhookSecret?: string }) => {
      if (!opts.inProcess && !(opts.baseUrl && opts.apiKey && opts.webhookSecret)) {
        process.stdout.write("Choose --in-process, or --base-url URL --api-key KEY (scope checkout) --webhook-secret SECRET (or STRIPE_WEBHOOK_SECRET).\n");
        process.exit(2);
      }
      const t0 = Date.now();
      try {
        process.stdout.write(`Checkout smoke (${opts.inProcess ? "in-process" : opts.baseUrl}):\n`);
        if (opts.inProcess) await inProcess();
        else await run(remoteSender(opts.baseUrl!), opts.apiKey!, opts.webhookSecret!);
        process.stdout.write(`PASS in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
        process.exit(0);
      } catch (err) {
        process.stdout.write(`FAIL: ${(err as Error).message}\n`);
        process.exit(1);
      }
    });
}
