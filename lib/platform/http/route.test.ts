import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { z } from "zod";
import { route } from "./route";
import { createApiKey } from "../auth/api-keys";

const noParams = { params: Promise.resolve({}) };

const echo = route(
  {
    route: "/test/echo",
    policy: { public: true, reason: "test" },
    query: z.object({ limit: z.coerce.number().int().min(1).max(10).default(5) }),
    body: z.object({ name: z.string().min(1), count: z.number().int() }),
    maxBodyBytes: 200,
  },
  async ({ body, query }) => ({ body, query }),
);

function post(body: string, headers: Record<string, string> = { "content-type": "application/json" }, url = "http://x/test/echo") {
  return echo(new NextRequest(url, { method: "POST", body, headers }), noParams);
}

describe("route wrapper: bad input is a structured 4xx, never a 500", () => {
  it("accepts valid input and sets a request id", async () => {
    const res = await post(JSON.stringify({ name: "a", count: 1 }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: { name: "a", count: 1 }, query: { limit: 5 } });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ["wrong content type", () => post("{}", { "content-type": "text/plain" }), 415, "unsupported_media_type"],
    ["malformed JSON", () => post("{nope"), 400, "bad_request"],
    ["empty body", () => post(""), 400, "bad_request"],
    ["schema violation", () => post(JSON.stringify({ name: "", count: 1.5 })), 422, "validation_failed"],
    ["body too large", () => post(JSON.stringify({ name: "x".repeat(500), count: 1 })), 413, "payload_too_large"],
    ["bad query", () => post(JSON.stringify({ name: "a", count: 1 }), undefined, "http://x/test/echo?limit=99"), 400, "bad_request"],
  ])("%s", async (_name, call, status, code) => {
    const res = await call();
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
  });

  it("schema violations list each problem with its path", async () => {
    const body = await (await post(JSON.stringify({ name: "", count: 1.5 }))).json();
    expect(body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["count", "name"]);
  });

  it("keeps a sane incoming request id and replaces a hostile one", async () => {
    const good = await post(JSON.stringify({ name: "a", count: 1 }), { "content-type": "application/json", "x-request-id": "abc-123" });
    expect(good.headers.get("x-request-id")).toBe("abc-123");
    const bad = await post(JSON.stringify({ name: "a", count: 1 }), { "content-type": "application/json", "x-request-id": "<script>" });
    expect(bad.headers.get("x-request-id")).not.toBe("<script>");
  });

  it("maps unexpected errors to a 500 that names the request id, without leaking the message", async () => {
    const boom = route({ route: "/test/boom", policy: { public: true, reason: "test" } }, async () => {
      throw new Error("secret internals");
    });
    const res = await boom(new NextRequest("http://x/test/boom"), noParams);
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.message).toContain(res.headers.get("x-request-id"));
    expect(body.error.message).not.toContain("secret internals");
  });
});

describe("route wrapper: API-key policies", () => {
  const scraped = route({ route: "/test/scrape", policy: { apiKey: "metrics:read" } }, async ({ actor }) => ({ actor }));
  const call = (auth?: string) =>
    scraped(new NextRequest("http://x/test/scrape", { headers: auth ? { authorization: auth } : {} }), noParams);

  it("401 without identity, 401 for an unknown key, 403 for the wrong scope, 200 with the scope", async () => {
    const right = await createApiKey({ name: "route-test-metrics", scopes: ["metrics:read"], actor: "test" });
    const wrong = await createApiKey({ name: "route-test-checkout", scopes: ["checkout"], actor: "test" });

    const none = await call();
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect((await call("Bearer opsk_AAAAAAAA_" + "B".repeat(43))).status).toBe(401);
    expect((await call("Basic abc")).status).toBe(401);
    const forbidden = await call(`Bearer ${wrong.key}`);
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error.message).toContain("metrics:read");
    const ok = await call(`Bearer ${right.key}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ actor: "apikey:route-test-metrics" });
  });
});
