// The threshold checker against a local stub of the observability endpoint.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckError, checkObservability } from "./check";

let server: http.Server;
let base: string;
let body: unknown;
let status = 200;
const seen: { url?: string; auth?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url, auth: req.headers.authorization });
    if (req.url === "/slow/api/v1/fulfillment/observability") return; // never answers
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
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
      await expect(run({ "max-fulfillment-dead-lettered": 0 })).rejects.toThrow(new RegExp(`refused the API key \\(HTTP ${s}\\).*metrics:read`));
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

  it("refuses thresholds of domains Opsdeck does not have yet instead of ignoring them", async () => {
    status = 200;
    body = snapshot(0);
    const before = seen.length;
    await expect(run({ "max-fulfillment-dead-lettered": 0, "max-payment-webhook-failures": 1, "max-catalog-zero-results-rate": 0.2 })).rejects.toThrow(
      /--max-payment-webhook-failures: the payments domain isn't available in Opsdeck yet[\s\S]*--max-catalog-zero-results-rate: the catalog domain/,
    );
    expect(seen.length).toBe(before); // nothing was fetched
    await expect(run({})).rejects.toThrow(/at least one threshold/);
  });
});
