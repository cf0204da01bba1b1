// The real scrape (Debian's prometheus, as installed by .ci/run): a Prometheus with Opsdeck's
// exported rules scrapes the app's /metrics route (served here over real HTTP by the route handler
// itself) with a metrics:read bearer key; the target must come up, an instant query must return a
// known series, and every exported rule group must load and evaluate without errors.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { stringify } from "yaml";
import { createApiKey } from "../auth/api-keys";
import { findExportKind } from "@/lib/exports";

const { GET: metricsGET } = await import("@/app/metrics/route");

let app: http.Server;
let prom: ChildProcess;
let promUrl = "";
let dir = "";
let promLog = "";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function promApi<T>(p: string): Promise<T> {
  const res = await fetch(`${promUrl}${p}`);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== "success") throw new Error(`${p}: ${body.error}`);
  return body.data;
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined>, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${promLog.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  const { key } = await createApiKey({ name: `prom-scrape-${Date.now()}`, scopes: ["metrics:read"], actor: "test" });
  app = http.createServer(async (req, res) => {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const response = await metricsGET(new NextRequest(`http://127.0.0.1${req.url}`, { headers }), { params: Promise.resolve({}) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  const appPort = await freePort();
  await new Promise<void>((r) => app.listen(appPort, "127.0.0.1", r));

  dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdeck-prom-"));
  fs.writeFileSync(path.join(dir, "opsdeck-rules.yml"), findExportKind("prometheus-rules")!.files()[0].content);
  fs.writeFileSync(
    path.join(dir, "prometheus.yml"),
    stringify({
      global: { scrape_interval: "1s", evaluation_interval: "1s" },
      rule_files: [path.join(dir, "opsdeck-rules.yml")],
      scrape_configs: [{ job_name: "opsdeck", metrics_path: "/metrics", authorization: { type: "Bearer", credentials: key }, static_configs: [{ targets: [`127.0.0.1:${appPort}`] }] }],
    }),
  );
  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  prom = spawn("prometheus", [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: ["ignore", "pipe", "pipe"] });
  prom.stdout!.on("data", (d) => (promLog += d));
  prom.stderr!.on("data", (d) => (promLog += d));
}, 60_000);

afterAll(async () => {
  prom?.kill("SIGTERM");
  await new Promise((r) => (prom?.exitCode !== null ? r(null) : prom.once("exit", r)));
  app?.closeAllConnections();
  app?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("a real Prometheus scraping Opsdeck", () => {
  it("sees the target up with the bearer key and answers an instant query for a known series", async () => {
    await until("the target to be up", async () => {
      const r = await promApi<{ result: { value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent('up{job="opsdeck"}')}`);
      return r.result[0]?.value[1] === "1";
    });
    const r = await until("a known series", async () => {
      const q = await promApi<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
        `/api/v1/query?query=${encodeURIComponent('http_requests_total{route="/metrics",status="200"}')}`,
      );
      return q.result.length ? q : null;
    });
    expect(Number(r.result[0].value[1])).toBeGreaterThan(0);
  }, 60_000);

  it("loads every exported rule group and evaluates its rules without errors", async () => {
    const groups = await until("rules evaluated", async () => {
      const d = await promApi<{ groups: { name: string; rules: { name: string; health: string; lastError?: string; type: string }[] }[] }>("/api/v1/rules");
      return d.groups.length && d.groups.every((g) => g.rules.every((r) => r.health !== "unknown")) ? d.groups : null;
    });
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.name)).toEqual(expect.arrayContaining(["ApiHigh5xxRate", "ApiLatencyP95High"]));
    expect(rules.filter((r) => r.health !== "ok").map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
  }, 60_000);
});
