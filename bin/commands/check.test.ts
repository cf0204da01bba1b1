// The threshold checker against a local stub of the observability endpoint.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckError, checkObservability } from "./check";

let server: http.Server;
let base: string;
let body: unknown;
/** Bodies of the payments and catalog endpoints (fulfillment answers `body`). */
const domainBodies: Record<string, unknown> = {};
let status = 200;
const seen: { url?: string; auth?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url, auth: req.headers.authorization });
    if (req.url === "/slow/api/v1/fulfillment/observability") return; // never answers
    res.writeHead(status, { "content-type": "application/json" });
    const domain = /^\/api\/v1\/(payments|catalog)\//.exec(req.url ?? "")?.[1];
    res.end(JSON.stringify(domain ? domainBodies[domain] : body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const snapshot = (dead: number, failed = 4) => ({
  totals: { processed: 120, failed, retried: 3, dead_lettered: dead, pending: 7, running: 1 },
  task_types: {},
  events: {},
});

async function run(limits: Record<string, number>, baseUrl = base) {
  const lines: string[] = [];
  const code = await checkObservability({ baseUrl, apiKey: "opsk_test", limits, timeoutMs: 500 }, (l) => lines.push(l));
  return { code, lines };
}

describe("opsdeck check observability", () => {
  it("passes within limits, printing an aligned table, and sends the API key", async () => {
    status = 200;
    body = snapshot(0);
    const { code, lines } = await run({ "max-fulfillment-dead-lettered": 0, "max-fulfillment-pending": 100 });
    expect(code).toBe(0);
    expect(lines).toEqual([
      "THRESHOLD                        VALUE  LIMIT  VERDICT",
      "fulfillment dead-lettered tasks      0  ≤ 0    ok",
      "fulfillment pending tasks            7  ≤ 100  ok",
      "All 2 threshold(s) within limits.",
    ]);
    expect(seen.at(-1)).toEqual({ url: "/api/v1/fulfillment/observability", auth: "Bearer opsk_test" });
  });

  it("exits 1 on a breach and marks it", async () => {
    body = snapshot(3, 9);
    const { code, lines } = await run({ "max-fulfillment-dead-lettered": 0, "max-fulfillment-failed": 10, "min-fulfillment-processed": 200 });
    expect(code).toBe(1);
    expect(lines[1]).toBe("fulfillment dead-lettered tasks      3  ≤ 0    BREACH");
    expect(lines[2]).toBe("fulfillment failed attempts          9  ≤ 10   ok");
    expect(lines[3]).toBe("fulfillment processed tasks        120  ≥ 200  BREACH");
    expect(lines[4]).toBe("2 of 3 threshold(s) breached.");
  });

  it("cannot check (exit 2 in the CLI) on 401/403, 5xx, bad payload, unreachable or silent endpoints", async () => {
    body = { error: { code: "forbidden" } };
    for (const s of [401, 403]) {
      status = s;
      await expect(run({ "max-fulfillment-dead-lettered": 0 })).rejects.toThrow(new RegExp(`refused the API key \\(HTTP ${s}\\).*"metrics:read" or "checkout"`));
    }
    status = 503;
    await expect(run({ "max-fulfillment-dead-lettered": 0 })).rejects.toThrow(/answered HTTP 503/);
    status = 200;
    body = { totals: { processed: 1 } };
    await expect(run({ "max-fulfillment-dead-lettered": 0 })).rejects.toThrow(/no numeric totals.dead_lettered/);
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    await expect(run({ "max-fulfillment-dead-lettered": 0 }, closedUrl)).rejects.toThrow(/Could not reach .*ECONNREFUSED/);
    await expect(run({ "max-fulfillment-dead-lettered": 0 }, `${base}/slow`)).rejects.toThrow(/no answer within 0.5 s/);
    await expect(run({ "max-fulfillment-dead-lettered": 0 }, closedUrl)).rejects.toBeInstanceOf(CheckError);
  });

  const payments = (checkoutFailed: number, webhookFailed: number) => ({
    checkout: { totals: { attempted: 40, succeeded: 40 - checkoutFailed, failed: checkoutFailed } },
    webhooks: { totals: { received: 90, processed: 88 - webhookFailed, failed: webhookFailed, signature_failures: 1, duplicates: 2, ignored: 0 } },
  });
  const catalog = (rate: number | null, searches: number) => ({
    zero_results: { rate, searches, zero_result_searches: rate === null ? 1 : Math.round(rate * searches), window_seconds: 3600, min_sample_size: 10, enough_samples: rate !== null },
  });

  it("runs the seed's full command line: fulfillment, payments and catalog thresholds in one table", async () => {
    status = 200;
    body = snapshot(0);
    domainBodies.payments = payments(0, 2);
    domainBodies.catalog = catalog(0.125, 40);
    const { code, lines } = await run({
      "max-fulfillment-dead-lettered": 0,
      "max-payment-checkout-failures": 0,
      "max-payment-webhook-failures": 1,
      "max-catalog-zero-results-rate": 0.2,
      "catalog-min-sample-size": 10,
    });
    expect(code).toBe(1);
    expect(lines).toEqual([
      "THRESHOLD                        VALUE  LIMIT  VERDICT",
      "fulfillment dead-lettered tasks      0  ≤ 0    ok",
      "payment checkout failures            0  ≤ 0    ok",
      "payment webhook failures             2  ≤ 1    BREACH",
      "catalog zero-results rate        0.125  ≤ 0.2  ok",
      "1 of 4 threshold(s) breached.",
    ]);
    // The minimum sample size goes to the catalog endpoint, which judges the window with it.
    expect(seen.slice(-3).map((r) => r.url)).toEqual([
      "/api/v1/fulfillment/observability",
      "/api/v1/payments/observability",
      "/api/v1/catalog/observability?min_sample_size=10",
    ]);
  });

  it("reports a zero-results rate over too few searches as not judged, neither pass nor breach", async () => {
    domainBodies.catalog = catalog(null, 4);
    const { code, lines } = await run({ "max-catalog-zero-results-rate": 0.2, "catalog-min-sample-size": 10 });
    expect(code).toBe(0);
    expect(lines).toEqual([
      "THRESHOLD                  VALUE  LIMIT  VERDICT",
      "catalog zero-results rate      -  ≤ 0.2  not enough searches",
      "No threshold could be judged: 1 not judged (too little data).",
    ]);
  });

  it("needs a threshold, not only a setting", async () => {
    await expect(run({})).rejects.toThrow(/at least one threshold/);
    await expect(run({ "catalog-min-sample-size": 10 })).rejects.toThrow(/at least one threshold/);
  });
});
