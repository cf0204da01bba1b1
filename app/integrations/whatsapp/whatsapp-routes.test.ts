// WhatsApp ingest through the real route handlers on the real database: the seed's 401 → 403 →
// 429 order, the signature over the raw bytes, replays and concurrent duplicates counted once,
// media dedupe, extraction on the queue worker, the metrics contract and its negotiation at
// /metrics, the recent-failure cap, collectors, and structured 4xx for bad input.
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import type { SessionIdentity } from "@/lib/platform/auth/identity";

const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));
import { createApiKey } from "@/lib/platform/auth/api-keys";
import { pool } from "@/lib/platform/db";
import { createWorker } from "@/lib/fulfillment/worker";
import { parkQueuedTasks, waitFor } from "@/lib/fulfillment/test-helpers";
import { createWhatsappHandlers } from "@/lib/whatsapp/handlers";
import { signBody } from "@/lib/whatsapp/signature";
const { POST: ingestPOST, GET: handshakeGET } = await import("./ingest/route");
const { GET: waMetricsGET } = await import("../../metrics/whatsapp/route");
const { GET: metricsGET } = await import("../../metrics/route");
const { POST: heartbeatPOST } = await import("../../api/v1/whatsapp/collectors/heartbeat/route");
const { GET: collectorsGET } = await import("../../api/v1/whatsapp/collectors/route");
const { GET: journeyGET } = await import("../../api/v1/whatsapp/messages/[id]/route");
const { GET: diagnosticsGET } = await import("../../chat/tools/diagnostics/route");

const noParams = { params: Promise.resolve({}) };
const TOKEN = `wa-test-token-${randomBytes(6).toString("hex")}`;
const SECRET = `wa-test-secret-${randomBytes(6).toString("hex")}`;
const run = randomBytes(3).toString("hex");
let seq = 0;
const uid = (p: string) => `${p}-${run}-${++seq}`;
let readKey = "";
let ingestKey = "";
let otherKey = "";
let unpark: () => Promise<void>;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);

interface Msg {
  message_id?: string;
  chat_id?: string;
  chat_title?: string;
  sender?: string;
  timestamp?: number | string;
  text?: string;
  media?: { content_type: string; data_base64: string };
}

function batch(clientId: string, messages: Msg[], runId?: string) {
  return {
    client_id: clientId,
    ...(runId ? { run_id: runId } : {}),
    messages: messages.map((m) => ({ message_id: uid("wamid"), chat_id: `chat-${run}`, chat_title: "Lagos traders", sender: "+2348000000001", timestamp: Math.floor(Date.now() / 1000), text: "hello", ...m })),
  };
}

const post = (body: string, h: { token?: string | null; signature?: string | null } = {}) =>
  ingestPOST(
    new NextRequest("http://localhost/integrations/whatsapp/ingest", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(h.token === null ? {} : { authorization: `Bearer ${h.token ?? TOKEN}` }),
        ...(h.signature === null ? {} : { "x-hub-signature-256": h.signature ?? signBody(body, SECRET) }),
      },
      body,
    }),
    noParams,
  );
const send = (b: object, h?: Parameters<typeof post>[1]) => post(JSON.stringify(b), h);

const get = (handler: typeof waMetricsGET, url: string, headers: Record<string, string> = {}) =>
  handler(new NextRequest(`http://localhost${url}`, { headers: { authorization: `Bearer ${readKey}`, ...headers } }), noParams);
const totals = async () => (await (await get(waMetricsGET, "/metrics/whatsapp")).json()).totals as Record<string, number>;
const delta = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.keys(after).filter((k) => after[k] !== before[k]).map((k) => [k, after[k] - before[k]]));

async function extractPending() {
  const w = createWorker({ pool: pool(), workerId: `wa-test-${Date.now()}`, batchSize: 10, pollIntervalMs: 50, concurrency: 2, leaseMs: 5_000, maxAttempts: 5, handlers: createWhatsappHandlers(pool) });
  await w.start();
  try {
    await waitFor("extraction tasks to finish", async () => {
      const { rows } = await pool().query(`SELECT count(*)::int AS n FROM fulfillment_tasks WHERE task_type = 'whatsapp_extract_offers' AND status IN ('pending', 'running', 'retry_scheduled')`);
      return rows[0].n === 0;
    });
  } finally {
    await w.stop();
  }
}

beforeAll(async () => {
  unpark = await parkQueuedTasks(pool());
  process.env.WHATSAPP_INGEST_TOKEN = TOKEN;
  process.env.WHATSAPP_APP_SECRET = SECRET;
  process.env.WHATSAPP_VERIFY_TOKEN = "verify-me";
  process.env.WHATSAPP_RATE_LIMIT_BATCHES = "1000";
  process.env.OPSDECK_DATA_DIR = `/tmp/opsdeck-wa-test-${run}`;
  readKey = (await createApiKey({ name: `wa-read-${run}`, scopes: ["metrics:read"], actor: "test" })).key;
  ingestKey = (await createApiKey({ name: `wa-ingest-${run}`, scopes: ["ingest:whatsapp"], actor: "test" })).key;
  otherKey = (await createApiKey({ name: `wa-other-${run}`, scopes: ["checkout"], actor: "test" })).key;
});

afterAll(async () => {
  await unpark();
  for (const k of ["WHATSAPP_INGEST_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_RATE_LIMIT_BATCHES", "OPSDECK_DATA_DIR"]) delete process.env[k];
});

describe("authentication order: 401, then 403, then 429", () => {
  it("refuses a missing or unknown bearer with 401 (even with a bad signature) and counts auth_failures", async () => {
    const before = await totals();
    const b = batch(uid("client"), [{}]);
    const missing = await send(b, { token: null, signature: "sha256=00" });
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.code).toBe("unauthenticated");
    const wrong = await send(b, { token: "not-the-token", signature: null });
    expect(wrong.status).toBe(401);
    expect(delta(before, await totals())).toEqual({ auth_failures: 2 });
  });

  it("accepts the ingest token or an ingest:whatsapp key; another scope is 403 forbidden", async () => {
    expect((await send(batch(uid("client"), [{}]))).status).toBe(200);
    expect((await send(batch(uid("client"), [{}]), { token: ingestKey })).status).toBe(200);
    const before = await totals();
    const res = await send(batch(uid("client"), [{}]), { token: otherKey });
    expect(res.status).toBe(403);
    expect(delta(before, await totals())).toEqual({ forbidden: 1 });
  });

  it("refuses a valid token with a missing, malformed or wrong signature with 403 and counts forbidden and signature_failures", async () => {
    const before = await totals();
    const b = batch(uid("client"), [{}]);
    for (const signature of [null, "sha256=abc", `sha256=${"0".repeat(64)}`, signBody(JSON.stringify(b), "another-secret"), "md5=whatever"]) {
      const res = await send(b, { signature });
      expect(res.status, String(signature)).toBe(403);
      expect((await res.json()).error.message).toMatch(/X-Hub-Signature-256/);
    }
    expect(delta(before, await totals())).toEqual({ forbidden: 5, signature_failures: 5 });
  });

  it("verifies the raw bytes: the same JSON re-serialised no longer matches its signature", async () => {
    const body = JSON.stringify(batch(uid("client"), [{ text: "Selling rice 50kg 45,000 NGN" }]));
    const signature = signBody(body, SECRET);
    const reserialised = JSON.stringify(JSON.parse(body), null, 2);
    expect((await post(reserialised, { signature })).status).toBe(403);
    expect((await post(body, { signature })).status).toBe(200);
  });

  it("limits each client's batches (429 with Retry-After, counted) — after auth and signature, per client", async () => {
    process.env.WHATSAPP_RATE_LIMIT_BATCHES = "3";
    onTestFinished(() => void (process.env.WHATSAPP_RATE_LIMIT_BATCHES = "1000"));
    const client = uid("client");
    for (let i = 0; i < 3; i++) expect((await send(batch(client, [{}]))).status).toBe(200);
    const before = await totals();
    const limited = await send(batch(client, [{}]));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited.json()).error.code).toBe("rate_limited");
    // Over the limit, a bad signature is still a 403 and a bad token still a 401.
    expect((await send(batch(client, [{}]), { signature: "sha256=00" })).status).toBe(403);
    expect((await send(batch(client, [{}]), { token: "nope" })).status).toBe(401);
    expect(delta(before, await totals())).toEqual({ rate_limited: 1, forbidden: 1, signature_failures: 1, auth_failures: 1 });
    // Another client is not affected.
    expect((await send(batch(uid("client"), [{}]))).status).toBe(200);
  });
});

describe("dedupe", () => {
  it("counts a replayed batch once: the second delivery is all duplicates", async () => {
    const b = batch(uid("client"), [{ text: `one ${run}` }, { text: `two ${run}` }]);
    const before = await totals();
    const first = await (await send(b)).json();
    const again = await (await send(b)).json();
    expect(first).toMatchObject({ accepted: 2, deduped: 0 });
    expect(again).toMatchObject({ accepted: 0, deduped: 2 });
    expect(again.messages.map((m: { id: string }) => m.id)).toEqual(first.messages.map((m: { id: string }) => m.id));
    expect(delta(before, await totals())).toEqual({ accepted: 2, deduped: 2 });
    const { rows } = await pool().query(`SELECT deliveries FROM whatsapp_messages WHERE id = $1`, [first.messages[0].id]);
    expect(rows[0].deliveries).toBe(2);
  });

  it("counts concurrent deliveries of one message once", async () => {
    const b = batch(uid("client"), [{ text: `concurrent ${run}` }]);
    const results = await Promise.all(Array.from({ length: 8 }, () => send(b).then((r) => r.json())));
    expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(1);
    expect(results.reduce((s, r) => s + r.deduped, 0)).toBe(7);
  });

  it("counts the same content under different message ids (two collectors in one group, at once) once", async () => {
    const text = `Cement 5,200 naira per bag ${run}`;
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => send(batch(uid(`collector${i}`), [{ text, chat_id: `group-${run}` }])).then((r) => r.json())));
    expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(1);
    const original = results.find((r) => r.accepted === 1)!.messages[0].id;
    expect(results.filter((r) => r.deduped === 1).every((r) => r.messages[0].duplicate_of === original)).toBe(true);
  });

  it("accepts the same content again once the dedupe window has passed (the claim is taken over)", async () => {
    process.env.WHATSAPP_DEDUPE_WINDOW_SECONDS = "1";
    onTestFinished(() => void delete process.env.WHATSAPP_DEDUPE_WINDOW_SECONDS);
    const text = `window ${run}`;
    const first = await (await send(batch(uid("client"), [{ text }]))).json();
    const copy = await (await send(batch(uid("client"), [{ text }]))).json();
    expect([first.accepted, copy.deduped, copy.messages[0].duplicate_of]).toEqual([1, 1, first.messages[0].id]);
    await new Promise((r) => setTimeout(r, 1_100));
    const later = await (await send(batch(uid("client"), [{ text }]))).json();
    expect(later).toMatchObject({ accepted: 1, deduped: 0 });
    const again = await (await send(batch(uid("client"), [{ text }]))).json();
    expect(again.messages[0].duplicate_of).toBe(later.messages[0].id);
  });

  it("points a same-content copy at the stored row when its first copy in the batch is a replay", async () => {
    const client = uid("client");
    const original = batch(client, [{ text: `replayed ${run}` }]);
    const first = await (await send(original)).json();
    const res = await (await send({ ...original, messages: [original.messages[0], { ...original.messages[0], message_id: uid("wamid") }] })).json();
    expect(res).toMatchObject({ accepted: 0, deduped: 2 });
    expect(res.messages.map((m: { id: string }) => m.id)).toEqual([first.messages[0].id, expect.any(String)]);
    expect(res.messages[1].duplicate_of).toBe(first.messages[0].id);
    const { rows } = await pool().query(`SELECT status, duplicate_of::text FROM whatsapp_messages WHERE id = $1`, [res.messages[1].id]);
    expect(rows[0]).toEqual({ status: "duplicate", duplicate_of: first.messages[0].id });
  });

  it("dedupes within one batch, by id and by content", async () => {
    const id = uid("wamid");
    const res = await (await send(batch(uid("client"), [{ message_id: id, text: `a ${run}` }, { message_id: id, text: `a ${run}` }, { text: `A  ${run}` }, { text: `b ${run}` }]))).json();
    expect(res).toMatchObject({ accepted: 2, deduped: 2 });
    expect(res.messages.map((m: { outcome: string }) => m.outcome)).toEqual(["accepted", "duplicate", "duplicate", "accepted"]);
  });
});

describe("media", () => {
  it("stores identical media once (sha256-addressed) and fails oversized, mismatched or disallowed media without losing the message", async () => {
    process.env.WHATSAPP_MEDIA_MAX_BYTES = "1000";
    try {
      const before = await totals();
      const png = { content_type: "image/png", data_base64: PNG.toString("base64") };
      const res = await (
        await send(batch(uid("client"), [
          { text: `photo 1 ${run}`, media: png },
          { text: `photo 2 ${run}`, media: png },
          { text: `big ${run}`, media: { content_type: "image/png", data_base64: Buffer.concat([PNG, randomBytes(2000)]).toString("base64") } },
          { text: `fake ${run}`, media: { content_type: "image/jpeg", data_base64: PNG.toString("base64") } },
          { text: `exe ${run}`, media: { content_type: "application/x-msdownload", data_base64: "TVqQAAMAAAAEAAAA" } },
        ]))
      ).json();
      expect(res.accepted).toBe(5);
      expect(res.messages.map((m: { media: string }) => m.media)).toEqual(["uploaded", "deduped", "failed", "failed", "failed"]);
      expect(delta(before, await totals())).toEqual({ accepted: 5, media_uploaded: 1, media_deduped: 1, media_failed: 3 });
      const { rows } = await pool().query(`SELECT "references", size_bytes FROM whatsapp_media WHERE size_bytes = $1 ORDER BY created_at DESC LIMIT 1`, [PNG.length]);
      expect(rows[0]).toEqual({ references: 2, size_bytes: PNG.length });
      const failures = (await (await get(waMetricsGET, "/metrics/whatsapp")).json()).recent_failures.slice(0, 3);
      expect(failures.map((f: { reason: string }) => f.reason).sort()).toEqual(["content_mismatch", "too_large", "type_not_allowed"]);
    } finally {
      delete process.env.WHATSAPP_MEDIA_MAX_BYTES;
    }
  });
});

describe("extraction on the queue worker", () => {
  it("extracts offers, records errors with their reason, stamps every stage and answers the journey and diagnostics", async () => {
    await extractPending(); // earlier tests' batches, so the deltas below are this batch's
    const runId = uid("run");
    const res = await (
      await send(batch(uid("client"), [
        { text: `Selling iPhone 13 128GB - $450 ${run}` },
        { text: `WTS Samsung S23 Ultra, price on request ${run}` },
        { text: `Good morning everyone ${run}` },
      ], runId))
    ).json();
    expect(res.task_id).not.toBeNull();
    const before = await totals();
    await extractPending();
    expect(delta(before, await totals())).toEqual({ extracted: 3, created: 1, errors: 1 });
    const j = await (await journeyGET(new NextRequest(`http://localhost/api/v1/whatsapp/messages/${res.messages[0].id}`, { headers: { authorization: `Bearer ${readKey}` } }), { params: Promise.resolve({ id: res.messages[0].id }) })).json();
    expect(j.status).toBe("extracted");
    expect(j.offer).toMatchObject({ price: 450, currency: "USD" });
    expect(j.task_status).toBe("succeeded");
    for (const stage of ["received", "accepted", "extracted", "offer"]) expect(j.stages[stage], stage).not.toBeNull();
    expect(Date.parse(j.stages.offer)).toBeGreaterThanOrEqual(Date.parse(j.stages.received));

    const diag = await (await diagnosticsGET(new NextRequest(`http://localhost/chat/tools/diagnostics?run_id=${runId}`, { headers: { authorization: `Bearer ${TOKEN}` } }), noParams)).json();
    expect(diag.messages.map((m: { status: string }) => m.status)).toEqual(["extracted", "error", "no_offer"]);
    expect(diag.messages[1].extraction_error).toMatch(/^missing_price/);
    expect(diag.messages[0].ingest_to_offer_seconds).toBeGreaterThanOrEqual(0);
    expect((await diagnosticsGET(new NextRequest(`http://localhost/chat/tools/diagnostics?run_id=${runId}`), noParams)).status).toBe(401);
  });
});

describe("metrics contract", () => {
  it("serves the seed's payload at /metrics/whatsapp and, content-negotiated, the wrapped JSON or Prometheus text at /metrics", async () => {
    const plain = await (await get(waMetricsGET, "/metrics/whatsapp")).json();
    expect(Object.keys(plain.totals).sort()).toEqual(
      ["accepted", "auth_failures", "created", "deduped", "errors", "extracted", "forbidden", "media_deduped", "media_failed", "media_uploaded", "rate_limited", "signature_failures"],
    );
    expect(plain.counters).toHaveLength(60);
    expect(plain.counters.at(-1)).toHaveProperty("rate_limited");

    const json = await get(metricsGET, "/metrics", { accept: "application/json" });
    expect(json.headers.get("content-type")).toMatch(/application\/json/);
    const wrapped = await json.json();
    expect(wrapped.environment).toBe("local");
    expect(wrapped.whatsapp.totals).toEqual(plain.totals);
    expect(Array.isArray(wrapped.whatsapp.recent_failures)).toBe(true);

    const scrape = await get(metricsGET, "/metrics", { accept: "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1" });
    expect(scrape.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await scrape.text();
    for (const name of ["whatsapp_ingest_messages_total", "whatsapp_ingest_rejections_total", "whatsapp_media_total", "whatsapp_ingest_to_offer_seconds_bucket"]) expect(text).toContain(name);
    expect(await (await get(metricsGET, "/metrics")).text()).toContain("# HELP");

    const anonymous = await waMetricsGET(new NextRequest("http://localhost/metrics/whatsapp"), noParams);
    expect(anonymous.status).toBe(401);
    const wrongScope = await waMetricsGET(new NextRequest("http://localhost/metrics/whatsapp", { headers: { authorization: `Bearer ${ingestKey}` } }), noParams);
    expect(wrongScope.status).toBe(403);
  });

  it("keeps recent_failures to the newest 50, without tokens, signatures or secrets", async () => {
    const secretLooking = `leaked-${randomBytes(8).toString("hex")}`;
    for (let i = 0; i < 30; i++) await send(batch(uid("client"), [{}]), { token: secretLooking });
    const body = batch(uid("client"), [{ text: "hi" }]);
    const badSignature = signBody(JSON.stringify(body), secretLooking);
    for (let i = 0; i < 30; i++) await send(body, { signature: badSignature });
    const payload = await (await get(waMetricsGET, "/metrics/whatsapp")).json();
    expect(payload.recent_failures).toHaveLength(50);
    const text = JSON.stringify(payload);
    for (const s of [secretLooking, TOKEN, SECRET, badSignature.slice(7)]) expect(text).not.toContain(s);
    expect(payload.recent_failures[0]).toMatchObject({ kind: "signature", reason: "signature_mismatch", client_id: body.client_id, chat_title: "Lagos traders" });
    expect(Date.parse(payload.recent_failures[0].timestamp)).toBeGreaterThanOrEqual(Date.parse(payload.recent_failures[49].timestamp));
  });
});

describe("collectors", () => {
  const beat = (b: unknown, token: string | null = TOKEN) =>
    heartbeatPOST(
      new NextRequest("http://localhost/api/v1/whatsapp/collectors/heartbeat", {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: typeof b === "string" ? b : JSON.stringify(b),
      }),
      noParams,
    );

  it("records heartbeats and computes offline from status and batch progress", async () => {
    const id = uid("collector");
    expect((await beat({ collector_id: id, connection_status: "open", batches_success: 5, batches_failure: 0, version: "1.4.2" })).status).toBe(200);
    const list = async () => ((await (await get(collectorsGET, "/api/v1/whatsapp/collectors")).json()).collectors as { id: string; offline: boolean; offline_reason: string | null }[]).find((c) => c.id === id)!;
    expect(await list()).toMatchObject({ offline: false, offline_reason: null });
    await beat({ collector_id: id, connection_status: "close", batches_success: 5, batches_failure: 1, version: "1.4.2" });
    expect((await list()).offline).toBe(false); // within the 2-minute grace
    await pool().query(`UPDATE whatsapp_collectors SET status_since = now() - interval '3 minutes' WHERE id = $1`, [id]);
    expect(await list()).toMatchObject({ offline: true, offline_reason: "connection_status" });
    await beat({ collector_id: id, connection_status: "open", batches_success: 5, batches_failure: 1, version: "1.4.2" });
    await pool().query(`UPDATE whatsapp_collectors SET success_increased_at = now() - interval '11 minutes' WHERE id = $1`, [id]);
    expect(await list()).toMatchObject({ offline: true, offline_reason: "no_batches" });
    await beat({ collector_id: id, connection_status: "open", batches_success: 6, batches_failure: 1, version: "1.4.2" });
    expect((await list()).offline).toBe(false);
  });

  it("answers bad heartbeats with structured 4xx, and 401 before looking at the body", async () => {
    expect((await beat("{not json", null)).status).toBe(401);
    const notJson = await beat("{not json");
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.code).toBe("bad_request");
    const invalid = await beat({ collector_id: "x", connection_status: "OPEN!", batches_success: -1, batches_failure: 0 });
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).error).toMatchObject({ code: "validation_failed", message: expect.stringContaining("connection_status") });
  });
});

describe("bad input", () => {
  it("answers malformed batches with structured 4xx and stores nothing", async () => {
    const cases: [string, number, string][] = [
      ["{oops", 400, "bad_request"],
      [JSON.stringify({ client_id: "c", messages: [] }), 422, "validation_failed"],
      [JSON.stringify({ client_id: "bad client id!", messages: [{}] }), 422, "validation_failed"],
      [JSON.stringify(batch("c", [{ timestamp: "yesterday-ish" }])), 422, "validation_failed"],
      [JSON.stringify(batch("c", [{ text: "nul \u0000 byte" }])), 422, "validation_failed"],
      [JSON.stringify({ ...batch("c", [{}]), extra: 1 }), 422, "validation_failed"],
      [JSON.stringify(batch("c", Array.from({ length: 101 }, () => ({})))), 422, "validation_failed"],
    ];
    const { rows: [{ n: before }] } = await pool().query(`SELECT count(*)::int AS n FROM whatsapp_messages`);
    for (const [body, status, code] of cases) {
      const res = await post(body);
      expect(res.status, body.slice(0, 80)).toBe(status);
      const err = (await res.json()).error;
      expect(err.code).toBe(code);
      expect(err.message.length).toBeGreaterThan(10);
    }
    const { rows: [{ n: after }] } = await pool().query(`SELECT count(*)::int AS n FROM whatsapp_messages`);
    expect(after).toBe(before);
  });

  it("answers Meta's verification handshake", async () => {
    const hs = (qs: string) => handshakeGET(new NextRequest(`http://localhost/integrations/whatsapp/ingest?${qs}`), noParams);
    const ok = await hs("hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444");
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    expect((await hs("hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1")).status).toBe(403);
    expect((await hs("hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1")).status).toBe(400);
  });
});
