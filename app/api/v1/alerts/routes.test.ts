// The alerts HTTP surface through the real route wrapper on the real database; only the session
// lookup is replaced (next-auth needs Next's request context).
import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { db, pool } from "@/lib/platform/db";
import type { SessionIdentity } from "@/lib/platform/auth/identity";
import { createApiKey } from "@/lib/platform/auth/api-keys";

const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));

const list = await import("./route");
const ack = await import("./[id]/ack/route");
const silences = await import("./silences/route");
const preview = await import("./silences/preview/route");
const expire = await import("./silences/[id]/expire/route");
const am = await import("./alertmanager/route");
const receivers = await import("./receivers/route");

const as = (role: SessionIdentity["role"] | null) => {
  session.user = role ? { kind: "session", userId: randomUUID(), email: `${role}@test.local`, role } : null;
};

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function call(handler: Handler, url: string, opts: { body?: unknown; params?: Record<string, string>; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const req = new NextRequest(`http://localhost${url}`, { method: opts.body === undefined ? "GET" : "POST", headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  return { status: res.status, json: await res.json() };
}

async function firingAlert(rule = "RouteTestAlert"): Promise<string> {
  const { rows } = await pool().query<{ id: string }>(
    `insert into alert_instances (id, fingerprint, rule, severity, labels, summary, description, runbook, state, active_at, fired_at, last_eval_at)
     values (gen_random_uuid(), $1, $2, 'warning', $3, 's', 'd', 'fulfillment-dead-lettered', 'firing', now(), now(), now()) returning id::text`,
    [randomUUID(), rule, JSON.stringify({ alertname: rule, severity: "warning" })],
  );
  return rows[0].id;
}

beforeEach(async () => {
  await pool().query("truncate alert_instances, alert_events, alert_silences, alert_deliveries, alert_notification_groups cascade");
});
afterAll(async () => {
  await db().$disconnect();
});

describe("alert routes", () => {
  it("viewers read but get 403 on acknowledge and silences; nothing changes", async () => {
    const id = await firingAlert();
    as("viewer");
    expect((await call(list.GET, "/api/v1/alerts")).json.open.map((a: { id: string }) => a.id)).toContain(id);
    const denied = await call(ack.POST, `/api/v1/alerts/${id}/ack`, { body: { comment: "mine" }, params: { id } });
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe("forbidden");
    expect((await call(silences.POST, "/api/v1/alerts/silences", { body: { matchers: "alertname=RouteTestAlert", comment: "x", durationMinutes: 60 } })).status).toBe(403);
    expect((await db().alertInstance.findUniqueOrThrow({ where: { id } })).ackAt).toBeNull();
    as(null);
    expect((await call(list.GET, "/api/v1/alerts")).status).toBe(401);
  });

  it("an operator acknowledges once; a second acknowledgement is a 409; bad input is a 4xx", async () => {
    const id = await firingAlert();
    as("operator");
    const ok = await call(ack.POST, `/api/v1/alerts/${id}/ack`, { body: { comment: "on it" }, params: { id } });
    expect(ok.status).toBe(200);
    expect(ok.json.ackBy).toBe("operator@test.local");
    const again = await call(ack.POST, `/api/v1/alerts/${id}/ack`, { body: { comment: "me too" }, params: { id } });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain("already acknowledged by operator@test.local");
    expect((await call(ack.POST, `/api/v1/alerts/${id}/ack`, { body: { comment: "" }, params: { id } })).status).toBe(422);
    expect((await call(ack.POST, `/api/v1/alerts/nope/ack`, { body: { comment: "x" }, params: { id: "nope" } })).status).toBe(400);
    const missing = randomUUID();
    expect((await call(ack.POST, `/api/v1/alerts/${missing}/ack`, { body: { comment: "x" }, params: { id: missing } })).status).toBe(404);
    const audit = await db().auditLog.findFirst({ where: { action: "alert.acknowledge", target: `alert:${id}` } });
    expect(audit?.reason).toBe("on it");
  });

  it("silence preview, create and expire", async () => {
    await firingAlert("SilenceMe");
    await firingAlert("KeepMe");
    as("operator");
    const p = await call(preview.POST, "/api/v1/alerts/silences/preview", { body: { matchers: "alertname=~Silence.*" } });
    expect(p.status).toBe(200);
    expect(p.json.alerts.map((a: { rule: string }) => a.rule)).toEqual(["SilenceMe"]);
    expect((await call(preview.POST, "/api/v1/alerts/silences/preview", { body: { matchers: "alertname=~(" } })).status).toBe(422);
    expect((await call(preview.POST, "/api/v1/alerts/silences/preview", { body: { matchers: "not a matcher" } })).status).toBe(422);
    const created = await call(silences.POST, "/api/v1/alerts/silences", { body: { matchers: "alertname=SilenceMe", comment: "deploy", durationMinutes: 30 } });
    expect(created.status).toBe(200);
    expect(created.json.silenced).toBe(1);
    const open = (await call(list.GET, "/api/v1/alerts")).json.open as { rule: string; silencedBy: string[] }[];
    expect(open.find((a) => a.rule === "SilenceMe")!.silencedBy).toEqual([created.json.id]);
    expect(open.find((a) => a.rule === "KeepMe")!.silencedBy).toEqual([]);
    const ex = await call(expire.POST, `/api/v1/alerts/silences/${created.json.id}/expire`, { body: {}, params: { id: created.json.id } });
    expect(ex.status).toBe(200);
    expect((await call(expire.POST, `/api/v1/alerts/silences/${created.json.id}/expire`, { body: {}, params: { id: created.json.id } })).status).toBe(409);
  });

  it("the Alertmanager webhook needs the alerts:write scope and lands alerts in the same list", async () => {
    const good = await createApiKey({ name: `am-${randomUUID().slice(0, 6)}`, scopes: ["alerts:write"], actor: "test" });
    const bad = await createApiKey({ name: `metrics-${randomUUID().slice(0, 6)}`, scopes: ["metrics:read"], actor: "test" });
    const payload = (status: "firing" | "resolved") => ({
      version: "4",
      receiver: "opsdeck",
      status,
      alerts: [
        {
          status,
          labels: { alertname: "HighLatency", severity: "critical", service: "api" },
          annotations: { summary: "p95 over 1s", runbook_url: "https://wiki/latency" },
          startsAt: "2026-11-23T10:00:00Z",
          endsAt: status === "resolved" ? "2026-11-23T10:20:00Z" : "0001-01-01T00:00:00Z",
          fingerprint: "abc123",
        },
      ],
    });
    as(null);
    expect((await call(am.POST, "/api/v1/alerts/alertmanager", { body: payload("firing") })).status).toBe(401);
    expect((await call(am.POST, "/api/v1/alerts/alertmanager", { body: payload("firing"), token: bad.key })).status).toBe(403);
    const first = await call(am.POST, "/api/v1/alerts/alertmanager", { body: payload("firing"), token: good.key });
    expect(first.json).toEqual({ created: 1, updated: 0, resolved: 0, ignored: 0 });
    expect((await call(am.POST, "/api/v1/alerts/alertmanager", { body: payload("firing"), token: good.key })).json.updated).toBe(1);
    as("viewer");
    const open = (await call(list.GET, "/api/v1/alerts")).json.open as { rule: string; source: string; labels: Record<string, string>; runbookUrl: string }[];
    expect(open.find((a) => a.rule === "HighLatency")).toMatchObject({ source: "external", labels: { source: "external" }, runbookUrl: "https://wiki/latency" });
    expect((await call(am.POST, "/api/v1/alerts/alertmanager", { body: payload("resolved"), token: good.key })).json.resolved).toBe(1);
    const inst = await db().alertInstance.findFirstOrThrow({ where: { rule: "HighLatency" }, include: { events: true } });
    expect(inst.state).toBe("resolved");
    expect(inst.resolvedAt?.toISOString()).toBe("2026-11-23T10:20:00.000Z");
    expect(inst.events.map((e) => e.toState)).toEqual(["firing", "resolved"]);
    expect((await call(am.POST, "/api/v1/alerts/alertmanager", { body: { alerts: [] }, token: good.key })).status).toBe(422);
  });

  it("receiver secrets are stored but never returned", async () => {
    as("admin");
    const name = `slack-${randomUUID().slice(0, 6)}`;
    const created = await call(receivers.POST, "/api/v1/alerts/receivers", { body: { name, kind: "slack", secret: "https://hooks.slack.com/services/T000/B000/SECRETSECRET", severities: ["critical"] } });
    expect(created.status).toBe(200);
    const listed = await call(receivers.GET, "/api/v1/alerts/receivers");
    expect(JSON.stringify(listed.json)).not.toContain("SECRETSECRET");
    expect(JSON.stringify(created.json)).not.toContain("SECRETSECRET");
    expect(listed.json.receivers.find((r: { name: string }) => r.name === name).secret).toBe("hooks.slack.com (URL hidden)");
    as("operator");
    expect((await call(receivers.GET, "/api/v1/alerts/receivers")).status).toBe(403);
    await db().alertReceiver.deleteMany({ where: { name } });
  });
});
