// The WhatsApp load harness (the seed's nightly job): sends signed batches of realistic offers to
// the ingest endpoint (with replayed duplicates and media), waits for their offers through the
// diagnostics endpoint, computes latency and ratios and judges the seed's SLOs inline. Plain
// fetch, no server imports: the CLI (`opsdeck harness whatsapp load`) and the console both run it.
import { randomBytes, randomInt } from "node:crypto";
import { signBody } from "./signature";

export interface HarnessOptions {
  url: string;
  token: string;
  diagnosticsUrl: string;
  appSecret: string;
  count: number;
  batchSize: number;
  clientId?: string;
  /** How long to wait for offers after the last batch (seconds). */
  waitSeconds?: number;
  /** Give up on a batch after this many 429s. */
  maxRetries?: number;
  onProgress?: (sent: number, total: number) => void;
}

export interface SloResult {
  name: string;
  objective: string;
  value: number | null;
  passed: boolean;
}

export interface HarnessReport {
  run_id: string;
  started_at: string;
  finished_at: string;
  target: string;
  count: number;
  batch_size: number;
  sent: { messages: number; batches: number; replayed_duplicates: number; with_media: number };
  responses: { ok: number; rate_limited_429: number; failed: number; failure_statuses: Record<string, number> };
  results: { created: number; extracted: number; errors: number; no_offer: number; skipped: number; deduped: number };
  latency: { p50_seconds: number | null; p95_seconds: number | null; max_seconds: number | null };
  ratios: { skipped_error: number; extracted_created: number; dedupe: number };
  slos: SloResult[];
  passed: boolean;
}

const PRODUCTS = ["iPhone 13 128GB", "Samsung A54", "Rice 50kg bag", "Cement Dangote 42.5R", "Yellow maize", "Cooking oil 20L", "Sony PS5", "MacBook Air M2", "Onions sack", "Sugar 1 ton"];
const FORMATS: ((p: string, n: number) => string)[] = [
  (p, n) => `Selling ${p} - $${n}`,
  (p, n) => `WTS: ${p} @ €${n} each`,
  (p, n) => `${p} ${new Intl.NumberFormat("en").format(n * 1000)} NGN`,
  (p, n) => `Price: ${n},00 EUR - ${p}`,
  (p, n) => `${p} for sale KES ${new Intl.NumberFormat("en").format(n * 100)}`,
];
// A small valid PNG signature plus fixed bytes: every harness medium has the same content (dedupe).
const MEDIA = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(120, 7)]).toString("base64");

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface DiagnosticMessage {
  message_id: string;
  status: string;
  ingest_to_offer_seconds: number | null;
}

export async function runHarness(o: HarnessOptions): Promise<HarnessReport> {
  const started = new Date();
  const runId = `harness-${started.toISOString().replace(/[^0-9]/g, "").slice(0, 14)}-${randomBytes(3).toString("hex")}`;
  const clientId = o.clientId ?? "load-harness";
  const chatId = `harness-chat-${runId}`;
  const messages = Array.from({ length: o.count }, (_, i) => ({
    message_id: `${runId}-${i}`,
    chat_id: chatId,
    chat_title: "Load harness",
    sender: `+1555000${String(i % 100).padStart(4, "0")}`,
    timestamp: Math.floor(Date.now() / 1000),
    // The index keeps every text distinct, so only the deliberate replays are duplicates.
    text: `${FORMATS[i % FORMATS.length](PRODUCTS[i % PRODUCTS.length], 100 + randomInt(900))} (lot ${i})`,
    ...(i % 10 === 5 ? { media: { content_type: "image/png", data_base64: MEDIA } } : {}),
  }));
  // Every 10th batch position replays an earlier message (a collector retrying after a timeout).
  const deliveries: typeof messages = [];
  let replayed = 0;
  messages.forEach((m, i) => {
    deliveries.push(m);
    if (i % 10 === 9) {
      deliveries.push(messages[i - 5]);
      replayed++;
    }
  });
  const responses = { ok: 0, rate_limited_429: 0, failed: 0, failure_statuses: {} as Record<string, number> };
  let deduped = 0;
  let batches = 0;
  for (let i = 0; i < deliveries.length; i += o.batchSize) {
    const body = JSON.stringify({ client_id: clientId, run_id: runId, messages: deliveries.slice(i, i + o.batchSize) });
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(o.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${o.token}`, "x-hub-signature-256": signBody(body, o.appSecret) },
        body,
      }).catch((err: Error) => ({ ok: false, status: 0, headers: new Headers(), json: async () => ({ error: err.message }) }) as unknown as Response);
      batches++;
      if (res.status === 429) {
        responses.rate_limited_429++;
        if (attempt < (o.maxRetries ?? 5)) {
          await sleep(Math.min(30, Number(res.headers.get("retry-after") ?? 1)) * 1000);
          continue;
        }
      }
      if (res.ok) {
        responses.ok++;
        deduped += Number(((await res.json()) as { deduped?: number }).deduped ?? 0);
      } else if (res.status !== 429) {
        responses.failed++;
        responses.failure_statuses[String(res.status)] = (responses.failure_statuses[String(res.status)] ?? 0) + 1;
      }
      break;
    }
    o.onProgress?.(Math.min(i + o.batchSize, deliveries.length), deliveries.length);
  }

  // Wait until every created message reached its last stage, or the deadline.
  const deadline = Date.now() + (o.waitSeconds ?? 60) * 1000;
  let rows: DiagnosticMessage[] = [];
  const diagUrl = `${o.diagnosticsUrl}${o.diagnosticsUrl.includes("?") ? "&" : "?"}run_id=${encodeURIComponent(runId)}`;
  for (;;) {
    const res = await fetch(diagUrl, { headers: { authorization: `Bearer ${o.token}` } }).catch(() => null);
    if (res?.ok) rows = ((await res.json()) as { messages: DiagnosticMessage[] }).messages;
    const pending = rows.filter((r) => r.status === "accepted").length;
    if ((res?.ok && pending === 0 && rows.length > 0) || Date.now() > deadline) break;
    await sleep(500);
  }
  const created = rows.filter((r) => r.status !== "duplicate").length;
  const extracted = rows.filter((r) => r.status === "extracted").length;
  const errors = rows.filter((r) => r.status === "error").length;
  const noOffer = rows.filter((r) => r.status === "no_offer").length;
  // Skipped: sent but never created (refused batches), or created but not extracted in time.
  const skipped = o.count - created + rows.filter((r) => r.status === "accepted").length;
  const latencies = rows.map((r) => r.ingest_to_offer_seconds).filter((s): s is number => s !== null).sort((a, b) => a - b);
  const round = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);
  const p95 = percentile(latencies, 95);
  const skippedError = (skipped + errors) / Math.max(o.count, 1);
  const extractedCreated = extracted / Math.max(created, 1);
  const slos: SloResult[] = [
    { name: "p95 ingest→offer", objective: "< 60 s", value: round(p95), passed: p95 !== null && p95 < 60 },
    { name: "skipped/error ratio", objective: "< 2 %", value: round(skippedError), passed: skippedError < 0.02 },
    { name: "extracted/created", objective: "≥ 95 %", value: round(extractedCreated), passed: created > 0 && extractedCreated >= 0.95 },
  ];
  return {
    run_id: runId,
    started_at: started.toISOString(),
    finished_at: new Date().toISOString(),
    target: o.url,
    count: o.count,
    batch_size: o.batchSize,
    sent: { messages: deliveries.length, batches, replayed_duplicates: replayed, with_media: messages.filter((m) => "media" in m).length },
    responses,
    results: { created, extracted, errors, no_offer: noOffer, skipped, deduped },
    latency: { p50_seconds: round(percentile(latencies, 50)), p95_seconds: round(p95), max_seconds: round(latencies.at(-1) ?? null) },
    ratios: { skipped_error: round(skippedError)!, extracted_created: round(extractedCreated)!, dedupe: round(deduped / Math.max(deliveries.length, 1))! },
    slos,
    passed: slos.every((s) => s.passed),
  };
}

/** The seed's `ALERT:` stanza for a breached run (empty when every SLO held). */
export function alertStanza(r: HarnessReport, reportFile?: string): string {
  const breached = r.slos.filter((s) => !s.passed);
  if (breached.length === 0) return "";
  return [
    `ALERT: WhatsApp load harness run ${r.run_id} breached ${breached.length} SLO(s) against ${r.target}`,
    ...breached.map((s) => `ALERT:   ${s.name} = ${s.value ?? "no data"} (objective ${s.objective})`),
    `ALERT:   429s: ${r.responses.rate_limited_429}, failed batches: ${r.responses.failed}, skipped: ${r.results.skipped}, errors: ${r.results.errors}`,
    ...(reportFile ? [`ALERT:   report: ${reportFile} — raise an incident stub linking it (docs/runbooks/whatsapp-*.md)`] : []),
  ].join("\n");
}
