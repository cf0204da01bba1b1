import { describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { z } from "zod";
import { route } from "./route";
import { createApiKey } from "../auth/api-keys";
import { db, pool } from "../db";
import { logger } from "../logger";
import { invalidInputEscaped } from "../metrics";

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

describe("route wrapper: the last line of defence for values no schema caught", () => {
  // Deliberately unguarded routes: each hands a raw value to the database the way a route with a
  // gap in its schema would.
  const unguarded = (name: string, query: (v: string) => Promise<unknown>) =>
    route({ route: `/test/unguarded/${name}`, policy: { public: true, reason: "test" }, query: z.object({ v: z.string() }) }, async ({ query: q }) => {
      await query(q.v);
      return { ok: true };
    });
  const escaped = async (name: string) =>
    (await invalidInputEscaped.get()).values.find((v) => v.labels.route === `/test/unguarded/${name}`)?.value ?? 0;

  it.each([
    ["pg-timestamp", (v: string) => pool().query("SELECT $1::timestamptz", [new Date(v)]), "-271821-04-20T00:00:00Z", /timestamp out of range/, undefined],
    ["pg-nul", (v: string) => pool().query("SELECT $1::text", [v]), "a\u0000b", /invalid byte sequence for encoding "UTF8": 0x00/, undefined],
    ["pg-bigint", (v: string) => pool().query("SELECT $1::bigint", [v]), "9999999999999999999", /out of range for type bigint/, undefined],
    ["pg-syntax", (v: string) => pool().query("SELECT $1::bigint", [v]), "12abc", /invalid input syntax for type bigint/, undefined],
    ["prisma-adapter-out-of-range", (v: string) => db().$queryRaw`SELECT ${v}::bigint`, "9999999999999999999", /out of range for type bigint/, undefined],
    ["prisma-adapter-nul", (v: string) => db().auditLog.findMany({ where: { target: v } }), "x\u0000", /invalid byte sequence/, undefined],
    ["prisma-invalid-date", (v: string) => db().alertSilence.findFirst({ where: { startsAt: new Date(v) } }), "not a date", /Provided Date object is invalid/, "startsAt"],
    ["prisma-date-out-of-range", (v: string) => db().auditLog.findFirst({ where: { at: new Date(v) } }), "-271821-04-20T00:00:00Z", /outside what the database stores|out of range/, undefined],
  ])("%s: 400 invalid_input, logged at warn with the request id, counted for its route", async (name, query, value, reason, field) => {
    const warn = vi.spyOn(logger, "warn");
    const before = await escaped(name);
    const res = await unguarded(name, query)(new NextRequest(`http://x/test?v=${encodeURIComponent(value)}`, { headers: { "x-request-id": `esc-${name}` } }), noParams);
    const body = await res.json();
    expect(res.status).toBe(400);
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.message).toMatch(reason);
    expect(body.error.message).toMatch(/Correct it and send the request again/);
    expect(body.error.details.field).toBe(field);
    expect(await escaped(name)).toBe(before + 1);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ requestId: `esc-${name}`, route: `/test/unguarded/${name}` }), "invalid input escaped schema validation");
    warn.mockRestore();
  });

  it("other database errors stay a 500 and are not counted as bad input", async () => {
    const name = "pg-undefined-table";
    const res = await unguarded(name, () => pool().query("SELECT * FROM no_such_table"))(new NextRequest("http://x/test?v=1"), noParams);
    expect(res.status).toBe(500);
    expect(await escaped(name)).toBe(0);
  });
});

describe("admission control", () => {
  it("refuses requests beyond OPSDECK_MAX_INFLIGHT with 503 and Retry-After, admits again once they finish, and always answers the exempt probe", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = route({ route: "/test/slow", policy: { public: true, reason: "test" } }, async () => {
      await gate;
      return { done: true };
    });
    const probe = route({ route: "/test/live", policy: { public: true, reason: "test" }, admission: "exempt" }, async () => ({ ok: true }));
    const get = (h: typeof slow) => h(new NextRequest("http://x/test"), noParams);
    process.env.OPSDECK_MAX_INFLIGHT = "2";
    try {
      const running = [get(slow), get(slow)];
      const refused = await get(slow);
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("1");
      expect((await refused.json()).error).toMatchObject({ code: "unavailable", message: expect.stringContaining("at capacity (2 requests in progress)") });
      expect((await get(probe)).status).toBe(200);
      release();
      expect((await Promise.all(running)).map((r) => r.status)).toEqual([200, 200]);
      expect((await get(slow)).status).toBe(200);
    } finally {
      delete process.env.OPSDECK_MAX_INFLIGHT;
    }
  });
});
