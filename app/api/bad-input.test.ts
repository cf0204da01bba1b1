// Issue 13's reproductions and their siblings, through the real route handlers on the real
// database: each answers a structured 4xx naming what to fix, and none gets past its schema to the
// database. The route wrapper would still answer such an escape with a 400 invalid_input, so this
// file also asserts that http_invalid_input_escaped_total did not move: a schema that stops
// guarding a value fails here, not silently in production. Add new routes' odd inputs to CASES.
// Only session resolution is replaced (next-auth reads cookies through Next's request context).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/platform/db";
import { createApiKey } from "@/lib/platform/auth/api-keys";
import { invalidInputEscaped } from "@/lib/platform/metrics";
import type { SessionIdentity } from "@/lib/platform/auth/identity";

const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));

const audit = await import("./v1/audit/route");
const deadLetters = await import("./v1/fulfillment/dead-letters/route");
const groups = await import("./v1/fulfillment/dead-letters/groups/route");
const retryOne = await import("./v1/fulfillment/dead-letters/[id]/retry/route");
const editRetry = await import("./v1/fulfillment/dead-letters/[id]/edit-retry/route");
const retrySelected = await import("./v1/fulfillment/dead-letters/retry/route");
const dryRun = await import("./v1/fulfillment/bulk-operations/dry-run/route");
const bulk = await import("./v1/fulfillment/bulk-operations/route");
const bulkCancel = await import("./v1/fulfillment/bulk-operations/[id]/cancel/route");
const tasks = await import("./v1/fulfillment/tasks/route");
const silences = await import("./v1/alerts/silences/route");
const preview = await import("./v1/alerts/silences/preview/route");
const ack = await import("./v1/alerts/[id]/ack/route");
const alertmanager = await import("./v1/alerts/alertmanager/route");
const receivers = await import("./v1/alerts/receivers/route");
const users = await import("./v1/admin/users/route");
const userRole = await import("./v1/admin/users/[id]/route");
const apiKeys = await import("./v1/admin/api-keys/route");
const exportsRoute = await import("./v1/exports/[kind]/route");
const slo = await import("./v1/slos/[name]/route");
const healthz = await import("./healthz/route");
const nextAuth = await import("./auth/[...nextauth]/route");

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface CallOpts {
  body?: unknown;
  rawBody?: string;
  method?: string;
  params?: Record<string, string>;
  headers?: Record<string, string>;
  token?: string;
}

async function call(handler: Handler, url: string, opts: CallOpts = {}) {
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const headers: Record<string, string> = { host: "localhost", ...(body === undefined ? {} : { "content-type": "application/json" }), ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const req = new NextRequest(`http://localhost${url}`, { method: opts.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text.startsWith("{") ? JSON.parse(text) : undefined };
}

async function escapedCount(): Promise<number> {
  return (await invalidInputEscaped.get()).values.reduce((sum, v) => sum + v.value, 0);
}

const FAR_PAST = "-271821-04-20T00:00:00.000Z";
const FILTER_RANGE = /between 1970-01-01 and 9999-12-31/;
const NUL = "\u0000";
const LONE_SURROGATE = "\ud800";
const UNSTORABLE = /contains a NUL character or an unpaired UTF-16 surrogate/;
const someUuid = randomUUID();
let amKey = "";

// [what, handler, url, options, status, the message must say]
type Case = [string, Handler, string, CallOpts, number, RegExp];
const CASES: () => Case[] = () => [
  // Dates outside what PostgreSQL stores.
  ["audit from", audit.GET, `/api/v1/audit?from=${FAR_PAST}`, {}, 400, FILTER_RANGE],
  ["audit to (year 275760)", audit.GET, `/api/v1/audit?to=%2B275760-09-13T00:00:00.000Z`, {}, 400, FILTER_RANGE],
  ["dead letters from", deadLetters.GET, `/api/v1/fulfillment/dead-letters?from=${FAR_PAST}`, {}, 400, FILTER_RANGE],
  ["groups from", groups.GET, `/api/v1/fulfillment/dead-letters/groups?from=${FAR_PAST}`, {}, 400, FILTER_RANGE],
  ["dry-run filter.from", dryRun.POST, "/api/v1/fulfillment/bulk-operations/dry-run", { body: { action: "retry", filter: { from: FAR_PAST } } }, 422, FILTER_RANGE],
  ["bulk filter.from", bulk.POST, "/api/v1/fulfillment/bulk-operations", { body: { action: "retry", filter: { from: FAR_PAST }, reason: "cleanup" } }, 422, FILTER_RANGE],
  ["silence startsAt", silences.POST, "/api/v1/alerts/silences", { body: { matchers: "alertname=X", comment: "c", startsAt: FAR_PAST, durationMinutes: 60 } }, 422, /startsAt must be a date\/time between 0001-01-01 and 9999-12-31/],
  ["silence startsAt at JS's maximum + 30 days", silences.POST, "/api/v1/alerts/silences", { body: { matchers: "alertname=X", comment: "c", startsAt: 8640000000000000, durationMinutes: 43200 } }, 422, /startsAt must be/],
  ["silence end derived past 9999", silences.POST, "/api/v1/alerts/silences", { body: { matchers: "alertname=X", comment: "c", startsAt: "9999-12-31T00:00:00Z", durationMinutes: 43200 } }, 422, /startsAt \+ durationMinutes: the end must be a date\/time between/],
  ["silence endsAt Invalid Date", silences.POST, "/api/v1/alerts/silences", { body: { matchers: "alertname=X", comment: "c", endsAt: "soon" } }, 422, /endsAt must be/],
  ["alertmanager startsAt", alertmanager.POST, "/api/v1/alerts/alertmanager", { token: "am", body: { alerts: [{ status: "firing", labels: { alertname: "X" }, startsAt: FAR_PAST }] } }, 422, /startsAt must be/],
  ["tasks run_at year 0000", tasks.POST, "/api/v1/fulfillment/tasks", { body: { task_type: "noop", payload: {}, run_at: "0000-01-01T00:00:00Z" } }, 422, /run_at must be a date\/time between 0001-01-01/],
  // Page cursors.
  ["audit cursor id above bigint", audit.GET, "/api/v1/audit?cursor=MjAyMC0wMS0wMXw5OTk5OTk5OTk5OTk5OTk5OTk5", {}, 400, /cursor is not a page cursor/],
  ["dead letters cursor date out of range", deadLetters.GET, "/api/v1/fulfillment/dead-letters?cursor=LTI3MTgyMS0wNC0yMFQwMDowMDowMC4wMDBafDE=", {}, 400, /cursor is not a page cursor/],
  ["dead letters cursor of three parts", deadLetters.GET, `/api/v1/fulfillment/dead-letters?cursor=${Buffer.from("2026-01-01T00:00:00Z|1|2").toString("base64url")}`, {}, 400, /cursor/],
  // Ids beyond bigint.
  ["task id above bigint", retryOne.POST, "/api/v1/fulfillment/dead-letters/9999999999999999999/retry", { body: {}, params: { id: "9999999999999999999" } }, 400, /task id must be an id: digits, from 1 to 9223372036854775807/],
  ["selected ids above bigint", retrySelected.POST, "/api/v1/fulfillment/dead-letters/retry", { body: { ids: ["9223372036854775808"] } }, 422, /ids must be an id/],
  ["user id not a uuid", userRole.PATCH, "/api/v1/admin/users/42", { method: "PATCH", body: { role: "viewer" }, params: { id: "42" } }, 400, /user id must be a UUID/],
  // Text PostgreSQL cannot store.
  ["dead letters q=NUL", deadLetters.GET, "/api/v1/fulfillment/dead-letters?q=%00", {}, 400, /q contains a NUL/],
  ["groups q=NUL", groups.GET, "/api/v1/fulfillment/dead-letters/groups?q=%00", {}, 400, /q contains a NUL/],
  ["dead letters type and group with NUL", deadLetters.GET, "/api/v1/fulfillment/dead-letters?type=a%00&group=b%00", {}, 400, UNSTORABLE],
  ["audit actor NUL", audit.GET, "/api/v1/audit?actor=%00", {}, 400, /actor contains a NUL/],
  ["edit-retry payload with NUL", editRetry.POST, "/api/v1/fulfillment/dead-letters/1/edit-retry", { body: { payload: { sku: `A${NUL}` }, reason: "fix" }, params: { id: "1" } }, 422, /payload\.sku contains a NUL/],
  ["edit-retry payload key with a lone surrogate", editRetry.POST, "/api/v1/fulfillment/dead-letters/1/edit-retry", { body: { payload: { [LONE_SURROGATE]: 1 } }, params: { id: "1" } }, 422, /has a key containing/],
  ["edit-retry payload nested 40 deep", editRetry.POST, "/api/v1/fulfillment/dead-letters/1/edit-retry", { body: { payload: JSON.parse("[".repeat(40) + "]".repeat(40)) }, params: { id: "1" } }, 422, /nests deeper than 32 levels/],
  ["edit-retry reason lone surrogate", editRetry.POST, "/api/v1/fulfillment/dead-letters/1/edit-retry", { body: { payload: {}, reason: LONE_SURROGATE }, params: { id: "1" } }, 422, /reason contains/],
  ["bulk reason NUL", bulk.POST, "/api/v1/fulfillment/bulk-operations", { body: { action: "retry", reason: `why${NUL}` } }, 422, /reason contains/],
  ["bulk cancel reason NUL", bulkCancel.POST, `/api/v1/fulfillment/bulk-operations/${someUuid}/cancel`, { body: { reason: NUL }, params: { id: someUuid } }, 422, /reason contains/],
  ["tasks payload NUL", tasks.POST, "/api/v1/fulfillment/tasks", { body: { task_type: "noop", payload: { note: NUL } } }, 422, /payload\.note contains a NUL/],
  ["silence comment NUL", silences.POST, "/api/v1/alerts/silences", { body: { matchers: "alertname=X", comment: `c${NUL}`, durationMinutes: 60 } }, 422, /comment contains/],
  ["silence matcher text NUL", silences.POST, "/api/v1/alerts/silences", { body: { matchers: `alertname=${NUL}`, comment: "c", durationMinutes: 60 } }, 422, /matchers contains/],
  ["preview matcher value lone surrogate", preview.POST, "/api/v1/alerts/silences/preview", { body: { matchers: [{ name: "alertname", value: LONE_SURROGATE }] } }, 422, /value contains/],
  ["ack comment NUL", ack.POST, `/api/v1/alerts/${someUuid}/ack`, { body: { comment: NUL }, params: { id: someUuid } }, 422, /comment contains/],
  ["alertmanager label NUL", alertmanager.POST, "/api/v1/alerts/alertmanager", { token: "am", body: { alerts: [{ status: "firing", labels: { alertname: `X${NUL}` }, startsAt: "2026-01-01T00:00:00Z" }] } }, 422, /label value contains/],
  ["receiver secret NUL", receivers.POST, "/api/v1/alerts/receivers", { body: { name: "r1", kind: "slack", secret: `https://hooks.example/${NUL}` } }, 422, /secret contains/],
  ["user name NUL", users.POST, "/api/v1/admin/users", { body: { email: "a@b.example", role: "viewer", name: NUL, password: "long-enough-password" } }, 422, /name contains/],
  ["API key name NUL", apiKeys.POST, "/api/v1/admin/api-keys", { body: { name: NUL, scopes: ["checkout"] } }, 422, /name contains/],
  ["export kind NUL", exportsRoute.GET, "/api/v1/exports/x", { params: { kind: NUL } }, 400, /kind contains/],
  ["SLO name NUL", slo.GET, "/api/v1/slos/x", { params: { name: NUL } }, 400, /name contains/],
];

beforeAll(async () => {
  amKey = (await createApiKey({ name: `bad-input-am-${randomUUID().slice(0, 6)}`, scopes: ["alerts:write"], actor: "test" })).key;
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await db().$disconnect();
});

const asAdmin = () => {
  session.user = { kind: "session", userId: randomUUID(), email: "admin@test.local", role: "admin" };
};

describe("bad input never reaches the database", () => {
  it.each(CASES().map((c) => [c[0], c] as const))("%s → a structured 4xx naming what to fix", async (_name, [, handler, url, opts, status, says]) => {
    asAdmin();
    const before = await escapedCount();
    const r = await call(handler, url, { ...opts, token: opts.token === "am" ? amKey : opts.token });
    expect(r.status, r.text).toBe(status);
    expect(r.json.error.code).not.toBe("invalid_input");
    expect(r.json.error.message).toMatch(says);
    // Guarded by its schema: the database's last line of defence was not needed.
    expect(await escapedCount(), `${url} reached the database with a value it refused: tighten its schema`).toBe(before);
  });

  it("a silence starting out of range reports that one problem, not also its derived end", async () => {
    asAdmin();
    const r = await call(silences.POST, "/api/v1/alerts/silences", { body: { matchers: "alertname=X", comment: "c", startsAt: 8640000000000000, durationMinutes: 43200 } });
    expect(r.json.error.details).toEqual([{ path: "startsAt", message: expect.stringMatching(/^startsAt must be a date\/time between/) }]);
  });

  it("valid dates at the edges of the ranges still work", async () => {
    asAdmin();
    expect((await call(audit.GET, "/api/v1/audit?from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59Z")).status).toBe(200);
    const page = await call(audit.GET, "/api/v1/audit?limit=1");
    if (page.json.nextCursor) expect((await call(audit.GET, `/api/v1/audit?limit=1&cursor=${page.json.nextCursor}`)).status).toBe(200);
    const fp = `bad-input-${randomUUID().slice(0, 8)}`;
    const alert = (status: string, endsAt?: string) => ({ alerts: [{ status, labels: { alertname: "BadInputEdge" }, startsAt: "2026-01-01T00:00:00Z", endsAt, fingerprint: fp }] });
    expect((await call(alertmanager.POST, "/api/v1/alerts/alertmanager", { token: amKey, body: alert("firing") })).json.created).toBe(1);
    // An end the database cannot store is read as "now", as Alertmanager's unknown end (year 1) is.
    const resolved = await call(alertmanager.POST, "/api/v1/alerts/alertmanager", { token: amKey, body: alert("resolved", "+275760-09-13T00:00:00.000Z") });
    expect(resolved.json.resolved).toBe(1);
  });
});

describe("cross-site check for cookie-authenticated mutations", () => {
  const previewFrom = (headers: Record<string, string>) =>
    call(preview.POST, "/api/v1/alerts/silences/preview", { body: { matchers: "alertname=X" }, headers });

  it("ignores a client-sent X-Forwarded-Host unless OPSDECK_TRUST_PROXY=true", async () => {
    asAdmin();
    const spoofed = await previewFrom({ origin: "http://evil.example", "x-forwarded-host": "evil.example" });
    expect([spoofed.status, spoofed.json.error.code]).toEqual([403, "forbidden"]);
    expect((await previewFrom({ origin: "http://localhost" })).status).toBe(200);

    vi.stubEnv("OPSDECK_TRUST_PROXY", "true");
    const proxied = { "x-forwarded-host": "ops.example", "x-forwarded-proto": "https" };
    expect((await previewFrom({ origin: "https://ops.example", ...proxied })).status).toBe(200);
    expect((await previewFrom({ origin: "http://ops.example", ...proxied })).status).toBe(403);
    expect((await previewFrom({ origin: "http://localhost", ...proxied })).status).toBe(403);
  });

  it("compares with OPSDECK_PUBLIC_URL when it is set, whatever the headers say", async () => {
    asAdmin();
    vi.stubEnv("OPSDECK_PUBLIC_URL", "https://ops.example");
    vi.stubEnv("OPSDECK_TRUST_PROXY", "true");
    expect((await previewFrom({ origin: "https://ops.example" })).status).toBe(200);
    expect((await previewFrom({ origin: "https://ops.example:443" })).status).toBe(200);
    expect((await previewFrom({ origin: "http://localhost" })).status).toBe(403);
    expect((await previewFrom({ origin: "https://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" })).status).toBe(403);
    expect((await previewFrom({ "sec-fetch-site": "cross-site" })).status).toBe(403);
  });
});

describe("Strict-Transport-Security", () => {
  const hsts = async (headers: Record<string, string> = {}) => (await call(healthz.GET, "/api/healthz", { headers })).headers.get("strict-transport-security");

  it("is sent over HTTPS (behind a trusted proxy) or when OPSDECK_PUBLIC_URL is https, never on plain HTTP", async () => {
    expect(await hsts()).toBeNull();
    expect(await hsts({ "x-forwarded-proto": "https" })).toBeNull(); // untrusted header
    vi.stubEnv("OPSDECK_TRUST_PROXY", "true");
    expect(await hsts({ "x-forwarded-proto": "https" })).toBe("max-age=31536000");
    expect(await hsts({ "x-forwarded-proto": "http" })).toBeNull();
    vi.stubEnv("OPSDECK_TRUST_PROXY", "");
    vi.stubEnv("OPSDECK_PUBLIC_URL", "https://ops.example");
    vi.stubEnv("OPSDECK_HSTS_INCLUDE_SUBDOMAINS", "true");
    expect(await hsts()).toBe("max-age=31536000; includeSubDomains");
  });

  it("is on pages too (proxy.ts)", async () => {
    vi.stubEnv("OPSDECK_PUBLIC_URL", "https://ops.example");
    const { proxy } = await import("@/proxy");
    expect(proxy(new NextRequest("http://localhost/fulfillment")).headers.get("strict-transport-security")).toMatch(/^max-age=\d{8}/);
  });
});

describe("next-auth's errors in the one error shape", () => {
  it("answers an unknown auth action and a malformed body with {error:{code,message}}", async () => {
    const unknown = await call(nextAuth.GET, "/api/auth/nonexistent");
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe("bad_request");
    expect(unknown.json.error.message).toMatch(/GET \/api\/auth\/nonexistent.*not a next-auth action.*\/signin/);
    expect(unknown.headers.get("x-request-id")).toBeTruthy();

    const malformed = await call(nextAuth.POST, "/api/auth/callback/credentials", { rawBody: "{" });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toMatchObject({ code: "bad_request" });
  });

  it("keeps the browser flows' redirects and JSON answers as next-auth sends them", async () => {
    const signin = await call(nextAuth.GET, "/api/auth/signin");
    expect(signin.status).toBe(302);
    expect(signin.headers.get("location")).toMatch(/\/signin/);
    expect(signin.headers.get("x-request-id")).toBeTruthy(); // set on a copy: next-auth's headers may be immutable
    const csrf = await call(nextAuth.GET, "/api/auth/csrf");
    expect(csrf.status).toBe(200);
    expect(csrf.json.csrfToken).toMatch(/\w{20,}/);
  });
});
