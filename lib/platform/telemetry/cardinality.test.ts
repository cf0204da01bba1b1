// The anti-cardinality walk (seed 001's five tests, generalised): drive every route handler of the
// app — anonymously and with an API key holding every scope, with ids, emails and raw paths in the
// URL — then read the Prometheus exposition and check that
//   1. every metric named by an exported alert/recording rule or dashboard panel exists, and
//   2. no label holds an id, an email, a raw path or free text; `route` is always a declared template.
// Writes (POST/PUT/PATCH/DELETE) are not sent as an admin: the test database is shared with other
// test files, and an admin's valid bulk action would change their rows.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { parse as parseYaml } from "yaml";
import type { SessionIdentity } from "../auth/identity";

// Session resolution needs Next's request context (absent under vitest): the walk's reads run as an
// admin whose email would show up if any label copied the actor.
const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));
import { registry } from "../metrics";
import { createApiKey } from "../auth/api-keys";
import { SCOPES } from "../auth/roles";
import { findExportKind } from "@/lib/exports";
import { flushTelemetry } from ".";
import { parseExposition, type Sample } from "./exposition";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const UUID = "3f1c2a9e-7b4d-4e21-9c55-0a8d6f1e2b3c";
const EMAIL = "jane.doe@example.com";

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}

/** app/api/v1/alerts/[id]/route.ts → params { id: UUID } and a concrete URL with that id. */
function concrete(file: string): { url: string; params: Record<string, string | string[]> } {
  const rel = path.relative(path.resolve("app"), path.dirname(file)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s));
  const params: Record<string, string | string[]> = {};
  const parts = rel.map((seg) => {
    const m = /^\[(\.\.\.)?(\w+)\]$/.exec(seg);
    if (!m) return seg;
    params[m[2]] = m[1] ? ["a", UUID] : UUID;
    return m[1] ? `a/${UUID}` : UUID;
  });
  return { url: `http://opsdeck.test/${parts.join("/")}?email=${encodeURIComponent(EMAIL)}&id=${UUID}`, params };
}

const PROMQL_WORDS = new Set(["and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "inf", "nan", "le"]);

/** Metric names in a PromQL expression: identifiers outside label matchers, grouping clauses and strings, not called as functions. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\[[^\]]*\]/g, " ");
  const names = new Set<string>();
  for (const m of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2] || PROMQL_WORDS.has(m[1].toLowerCase()) || /^\d/.test(m[1])) continue;
    names.add(m[1]);
  }
  return [...names];
}

const FORBIDDEN_LABELS = /^(id|.*_id|email|user|path|url|uri|message|msg|error_message|detail|query|sql|name_text)$/;
const ID_LIKE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|^\d{6,}$|[0-9a-f]{24,}/i;
const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[^\s@]+/;

describe("anti-cardinality walk over every route", () => {
  const files = routeFiles(path.resolve("app"));
  const templates = new Set<string>();
  let exposition: { declared: Set<string>; samples: Sample[] };
  let calls = 0;

  beforeAll(async () => {
    const { key } = await createApiKey({ name: `cardinality-walk-${Date.now()}`, scopes: [...SCOPES], actor: "test" });
    for (const file of files) {
      const mod = await import(path.resolve(file));
      const { url, params } = concrete(file);
      for (const method of METHODS) {
        const handler = mod[method];
        if (!handler) continue;
        templates.add(handler.route);
        const callers = method === "GET" ? ["anonymous", "apiKey", "admin"] : ["anonymous", "apiKey"];
        for (const caller of callers) {
          session.user = caller === "admin" ? { kind: "session", userId: "00000000-0000-4000-8000-0000000000aa", email: EMAIL, role: "admin" } : null;
          const auth = caller === "apiKey" ? `Bearer ${key}` : undefined;
          const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "walk" };
          if (auth) headers.authorization = auth;
          const body = method === "GET" || method === "DELETE" ? undefined : JSON.stringify({ email: EMAIL, id: UUID, note: "free text that must not become a label" });
          const res: Response = await handler(new NextRequest(url, { method, headers, body }), { params: Promise.resolve(params) });
          await res.arrayBuffer();
          calls++;
        }
      }
    }
    await flushTelemetry();
    exposition = parseExposition(await registry.metrics());
  }, 300_000);

  it("called every method of every route file", () => {
    expect(files.length).toBeGreaterThan(10);
    expect(calls).toBeGreaterThanOrEqual(files.length * 2);
    const routesSeen = new Set(exposition.samples.filter((s) => s.name === "http_requests_total").map((s) => s.labels.route));
    expect([...templates].filter((t) => !routesSeen.has(t))).toEqual([]);
  });

  it("every metric an exported rule or dashboard queries exists", () => {
    const rulesFile = parseYaml(findExportKind("prometheus-rules")!.files()[0].content) as { groups: { rules: { record?: string; expr: string }[] }[] };
    const recorded = new Set(rulesFile.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
    const exprs = [
      ...rulesFile.groups.flatMap((g) => g.rules.map((r) => ({ where: r.record ?? "rule", expr: r.expr }))),
      ...findExportKind("grafana")!
        .files()
        .filter((f) => f.name.endsWith(".json"))
        .flatMap((f) => (JSON.parse(f.content).panels as { title: string; targets: { expr?: string }[] }[]).flatMap((p) => p.targets.flatMap((t) => (t.expr ? [{ where: `${f.name}: ${p.title}`, expr: t.expr }] : [])))),
      // (The JSON API dashboard's targets have no PromQL: lib/exports/grafana-json-api.test.ts checks them.)
    ];
    expect(exprs.length).toBeGreaterThan(20);
    const missing = exprs.flatMap(({ where, expr }) => metricNames(expr).filter((n) => !exposition.declared.has(n) && !recorded.has(n)).map((n) => `${where}: ${n}`));
    expect(missing).toEqual([]);
  });

  it("no label holds an id, an email, a raw path or free text", () => {
    const problems: string[] = [];
    for (const s of exposition.samples) {
      for (const [label, value] of Object.entries(s.labels)) {
        const where = `${s.name}{${label}="${value}"}`;
        if (FORBIDDEN_LABELS.test(label)) problems.push(`${where}: label name suggests unbounded values`);
        if (ID_LIKE.test(value)) problems.push(`${where}: looks like an id`);
        if (EMAIL_LIKE.test(value)) problems.push(`${where}: looks like an email`);
        if (/\s/.test(value) || value.length > 80) problems.push(`${where}: free text`);
        if (label === "route" && !templates.has(value)) problems.push(`${where}: not a declared route template`);
        if (label !== "route" && label !== "location" && value.includes("/")) problems.push(`${where}: raw path`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("the walk's own helpers find metric names in PromQL", () => {
    expect(metricNames('sum by (le, route) (rate(http_request_duration_seconds_bucket{route=~"/a"}[5m])) / on() group_left max(x_total) or vector(0)').sort()).toEqual([
      "http_request_duration_seconds_bucket",
      "x_total",
    ]);
  });
});
