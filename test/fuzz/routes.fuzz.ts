// Property-based fuzzing of every route handler (app/**/route.ts) through the real route wrapper on
// the real database. Each input is aimed by the route's declared schemas (their keys get hostile
// values) and sent as every kind of caller. Properties, per request:
//   - never a 5xx;
//   - every error answers the one JSON shape {"error":{code,message}};
//   - a caller the policy refuses gets 401/403 (or 429 once its address sent too many bad keys);
//   - a refused or invalid request writes nothing (the audit log does not move).
// `npm test` runs a quick fixed seed; `npm run fuzz` runs ≥ 10,000 inputs with a random seed and
// prints the counts. New routes are covered because the walk finds them.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionIdentity } from "@/lib/platform/auth/identity";
import { can, ROLES, SCOPES, type Role, type Scope } from "@/lib/platform/auth/roles";

// Configured like a deployment: an endpoint whose secret is unset answers 503 (a configuration
// problem, rightly a 5xx), which is not what the fuzzer is looking for.
process.env.STRIPE_WEBHOOK_SECRET ??= "whsec_fuzz_0123456789abcdef0123456789abcdef";
process.env.WHATSAPP_APP_SECRET ??= "fuzz-whatsapp-app-secret-0123456789";
process.env.WHATSAPP_INGEST_TOKEN ??= "fuzz-whatsapp-ingest-token-0123456789";
process.env.WHATSAPP_VERIFY_TOKEN ??= "fuzz-whatsapp-verify-token-0123456789";

const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));
const { createApiKey } = await import("@/lib/platform/auth/api-keys");
const { pool } = await import("@/lib/platform/db");
import type { Policy, RouteHandler } from "@/lib/platform/http/route";

const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 600);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : TOTAL_RUNS >= 10_000 ? Date.now() % 2 ** 31 : 20261203;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
/** Routes whose handler cannot run outside a Next.js server (next-auth reads Next's request context). */
const SKIPPED_ROUTES: Record<string, string> = {};

interface Target {
  file: string;
  method: (typeof METHODS)[number];
  handler: RouteHandler;
  /** URL path with dynamic segments named, e.g. /api/v1/alerts/[id]/ack */
  template: string;
  segments: { name: string; catchAll: boolean }[];
}

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}

async function discoverTargets(): Promise<Target[]> {
  const targets: Target[] = [];
  for (const file of routeFiles(path.resolve("app"))) {
    const dir = path.relative(path.resolve("app"), path.dirname(file)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s));
    const segments = dir.flatMap((s) => {
      const m = /^\[(\.\.\.)?(\w+)\]$/.exec(s);
      return m ? [{ name: m[2], catchAll: !!m[1] }] : [];
    });
    const mod = (await import(file)) as Record<string, RouteHandler>;
    for (const method of METHODS) {
      if (typeof mod[method] === "function") targets.push({ file: path.relative(process.cwd(), file), method, handler: mod[method], template: `/${dir.join("/")}`, segments });
    }
  }
  return targets.filter((t) => !SKIPPED_ROUTES[t.handler.route]);
}

// ---- callers ----------------------------------------------------------------------------------

type Caller = { label: string; role?: Role; token?: string; scopes?: Scope[] };

async function makeCallers(): Promise<Caller[]> {
  const callers: Caller[] = [{ label: "anonymous" }, { label: "malformed bearer", token: "not a key" }, { label: "unknown key", token: `opsk_AAAAAAAA_${"A".repeat(43)}` }];
  for (const role of ROLES) callers.push({ label: `session:${role}`, role });
  for (const scope of SCOPES) {
    const { key } = await createApiKey({ name: `fuzz-${scope}-${Date.now()}`, scopes: [scope], actor: "fuzz" });
    callers.push({ label: `key:${scope}`, token: key, scopes: [scope] });
  }
  return callers;
}

/** Whether the route's policy lets this caller past authorization. */
function allowed(policy: Policy, caller: Caller): boolean {
  if ("public" in policy) return true;
  if (caller.token) {
    const accepted = policy.apiKey === undefined ? [] : typeof policy.apiKey === "string" ? [policy.apiKey] : policy.apiKey;
    return !!caller.scopes?.some((s) => accepted.includes(s));
  }
  return !!caller.role && !!policy.session && can(caller.role, policy.session);
}

// ---- hostile values ---------------------------------------------------------------------------

const hostileStrings = fc.constantFrom(
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "💥".repeat(40),
  "-271821-04-20T00:00:00.000Z",
  "275760-09-13T00:00:00.001Z",
  "0000-01-01T00:00:00Z",
  "9999-12-31T23:59:59.999Z",
  "2026-13-45T25:61:00Z",
  "1969-12-31T23:59:59Z",
  "8640000000000000",
  "99999999999999999999",
  "-9223372036854775809",
  "9223372036854775808",
  "1e309",
  "NaN",
  "-0",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "MjAyMC0wMS0wMXw5OTk5OTk5OTk5OTk5OTk5OTk5",
  "LTI3MTgyMS0wNC0yMFQwMDowMDowMC4wMDBafDE=",
  "'; DROP TABLE users; --",
  "../../../../etc/passwd",
  "%00",
  "<script>alert(1)</script>",
  "a".repeat(5000),
  "true",
  "null",
  "[]",
  "{}",
);

const hostileString = fc.oneof(
  { weight: 3, arbitrary: hostileStrings },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
);

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -1e308, 8.64e15, 0.5, 1e-300, Number.MAX_SAFE_INTEGER + 2),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** The top-level keys a schema declares (objects, also behind pipes/refinements/optionals). */
function schemaKeys(schema: unknown): string[] {
  for (let s = schema as { shape?: Record<string, unknown>; def?: Record<string, unknown> } | undefined, depth = 0; s && depth < 6; depth++) {
    if (s.shape && typeof s.shape === "object") return Object.keys(s.shape);
    const def = s.def ?? {};
    s = (def.in ?? def.innerType ?? def.schema ?? undefined) as typeof s;
  }
  return [];
}

function objectFor(keys: string[], value: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  if (keys.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 3 });
  return fc.record(Object.fromEntries(keys.map((k) => [k, value])), { requiredKeys: [] });
}

type Body =
  | { kind: "json"; value: unknown }
  | { kind: "raw"; text: string; contentType: string }
  | { kind: "none" };

function bodyFor(target: Target): fc.Arbitrary<Body> {
  const keys = schemaKeys(target.handler.schemas.body);
  return fc.oneof(
    { weight: 5, arbitrary: objectFor(keys, hostileJson).map((value) => ({ kind: "json" as const, value })) },
    { weight: 2, arbitrary: hostileJson.map((value) => ({ kind: "json" as const, value })) },
    {
      weight: 2,
      arbitrary: fc
        .record({
          text: fc.oneof(fc.constantFrom("{", "{\"a\":", "[1,2", "null", "\"str\"", "\u0000", "{\"__proto__\":{\"x\":1}}", "x".repeat(1_100_000)), fc.string({ unit: "binary", maxLength: 60 })),
          contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin1", "multipart/form-data"),
        })
        .map((r) => ({ kind: "raw" as const, ...r })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) },
  );
}

function queryFor(target: Target): fc.Arbitrary<[string, string][]> {
  const keys = schemaKeys(target.handler.schemas.query);
  const key = keys.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }) : fc.string({ maxLength: 8 });
  return fc.array(fc.tuple(key, fc.oneof({ weight: 2, arbitrary: hostileStrings }, { weight: 1, arbitrary: hostileString })), { maxLength: 4 });
}

function paramsFor(target: Target): fc.Arbitrary<Record<string, string | string[]>> {
  const value = fc.oneof({ weight: 3, arbitrary: hostileString.filter((s) => s.length > 0 && s.length < 600) }, { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.nat().map(String) });
  return fc.record(Object.fromEntries(target.segments.map((s) => [s.name, s.catchAll ? fc.array(value, { minLength: 1, maxLength: 3 }) : value])));
}

// ---- the run ----------------------------------------------------------------------------------

const counts = { inputs: 0, byStatus: new Map<number, number>(), serverErrors: 0, authViolations: 0, writesOnRefusal: 0 };

async function auditHighWater(): Promise<string> {
  const { rows } = await pool().query<{ id: string | null }>("SELECT max(id)::text AS id FROM audit_log");
  return rows[0].id ?? "0";
}

function request(target: Target, caller: Caller, query: [string, string][], body: Body): NextRequest {
  const url = new URL(`http://localhost${target.template}`);
  for (const [k, v] of query) url.searchParams.append(k, v);
  const headers: Record<string, string> = { accept: "application/json" };
  if (caller.token) headers.authorization = `Bearer ${caller.token}`;
  let payload: string | undefined;
  if (target.method !== "GET" && body.kind !== "none") {
    payload = body.kind === "json" ? (JSON.stringify(body.value) ?? "null") : body.text;
    const type = body.kind === "json" ? "application/json" : body.contentType;
    if (type) headers["content-type"] = type;
  }
  return new NextRequest(url, { method: target.method, headers, body: payload });
}

let targets: Target[] = [];
let callers: Caller[] = [];

beforeAll(async () => {
  targets = await discoverTargets();
  callers = await makeCallers();
});

afterAll(() => {
  const statuses = [...counts.byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(" ");
  console.log(
    `route fuzz (seed ${SEED}): ${counts.inputs} inputs over ${targets.length} route methods; ` +
      `5xx ${counts.serverErrors}, authorization violations ${counts.authViolations}, writes on refusal ${counts.writesOnRefusal}; statuses ${statuses}`,
  );
});

describe("route fuzz", () => {
  it("finds the routes and callers", () => {
    expect(targets.length).toBeGreaterThan(30);
    expect(callers.length).toBe(3 + ROLES.length + SCOPES.length);
  });

  it("answers every generated input without a 5xx, in the one error shape, refusing whom the policy refuses, writing nothing on refusal", async () => {
    const perTarget = Math.max(5, Math.ceil(TOTAL_RUNS / targets.length));
    const failures: string[] = [];
    for (const [i, target] of targets.entries()) {
      // Most inputs come from callers the policy admits (they reach the schemas and the database);
      // the rest check that everyone else is refused.
      const admitted = callers.filter((c) => allowed(target.handler.policy, c));
      const caller = admitted.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...admitted) }, { weight: 1, arbitrary: fc.constantFrom(...callers) }) : fc.constantFrom(...callers);
      const property = fc.asyncProperty(
        caller,
        queryFor(target),
        paramsFor(target),
        bodyFor(target),
        async (caller, query, params, body) => {
          session.user = caller.role ? { kind: "session", userId: "00000000-0000-4000-8000-00000000f022", email: `fuzz-${caller.role}@test.local`, role: caller.role } : null;
          const before = await auditHighWater();
          const res = await target.handler(request(target, caller, query, body), { params: Promise.resolve(params) });
          const text = await res.text();
          counts.inputs++;
          counts.byStatus.set(res.status, (counts.byStatus.get(res.status) ?? 0) + 1);
          const where = `${target.method} ${target.template} as ${caller.label} → ${res.status} ${text.slice(0, 300)}`;
          if (res.status >= 500) counts.serverErrors++;
          expect(res.status, where).toBeLessThan(500);
          if (res.status >= 400) {
            const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            expect(typeof parsed.error?.code, where).toBe("string");
            expect(String(parsed.error?.message ?? "").length, where).toBeGreaterThan(5);
            const after = await auditHighWater();
            if (after !== before) counts.writesOnRefusal++;
            expect(after, `${where}: an audit row was written for a refused request`).toBe(before);
          }
          if (!allowed(target.handler.policy, caller)) {
            // 429: the address sent too many bad API keys (lib/platform/auth/api-key-throttle.ts), also a refusal.
            if (![401, 403, 429].includes(res.status)) counts.authViolations++;
            expect([401, 403, 429], where).toContain(res.status);
          }
        },
      );
      // Every route is walked even after one fails, so one run lists every finding.
      const result = await fc.check(property, { numRuns: perTarget, seed: SEED + i, endOnFailure: true });
      if (result.failed) {
        const [caller, query, params, body] = result.counterexample ?? [];
        const input = JSON.stringify({ caller: caller?.label, query, params, body }).slice(0, 400);
        failures.push(`${String((result.errorInstance as Error)?.message ?? result.errorInstance).split("\n")[0]} — input ${input} (reproduce with FUZZ_SEED=${SEED})`);
      }
    }
    expect(failures).toEqual([]);
  });
});
