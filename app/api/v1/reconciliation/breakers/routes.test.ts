// The breaker HTTP surface through the real route wrapper on the real database (session
// resolution replaced, as in the dead-letter route tests): who may read and act, bad input,
// unknown platforms, racing/no-op actions, and the audit trail.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/platform/db";
import type { SessionIdentity } from "@/lib/platform/auth/identity";
import { callRoute as call, sessionFor, type Handler } from "@/test/route-call";

const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));

const list = await import("./route");
const forceOpen = await import("./[platform]/force-open/route");
const reset = await import("./[platform]/reset/route");

const as = (role: SessionIdentity["role"] | null) => (session.user = sessionFor(role));

const run = randomUUID().replace(/-/g, "").slice(0, 8);
const [A, B] = [`bt${run}a`, `bt${run}b`];
const saved = process.env.RECONCILIATION_PLATFORMS;
beforeAll(() => {
  process.env.RECONCILIATION_PLATFORMS = `${A},${B}`;
});
afterAll(async () => {
  process.env.RECONCILIATION_PLATFORMS = saved;
  await db().$disconnect();
});

const act = (h: Handler, platform: string, body: unknown) => call(h, `/api/v1/reconciliation/breakers/${platform}/x`, { body, params: { platform } });

describe("breaker routes", () => {
  it("lists every configured platform's breaker for a viewer; 401 without identity", async () => {
    as(null);
    expect((await call(list.GET, "/api/v1/reconciliation/breakers")).status).toBe(401);
    as("viewer");
    const res = await call(list.GET, "/api/v1/reconciliation/breakers");
    expect(res.status).toBe(200);
    expect(res.json.breakers.map((b: { platform: string }) => b.platform)).toEqual([A, B]);
    expect(res.json.breakers[0].breaker).toMatchObject({ name: A, state: "closed", forced: false, failuresInWindow: 0, failureThreshold: 5, nextProbeAt: null, probesLeft: 0 });
    expect(res.json.breakers[0].transitions).toEqual([]);
  });

  it("a viewer gets 403 from force-open and reset, and nothing changes", async () => {
    as("viewer");
    expect((await act(forceOpen.POST, A, { reason: "contain the outage" })).status).toBe(403);
    expect((await act(reset.POST, A, { reason: "recovered" })).status).toBe(403);
    as("viewer");
    const res = await call(list.GET, "/api/v1/reconciliation/breakers");
    expect(res.json.breakers[0].breaker.state).toBe("closed");
  });

  it("bad input is a 4xx naming the field: no reason, a short reason, a malformed platform; unknown platform 404", async () => {
    as("operator");
    const noReason = await act(forceOpen.POST, A, {});
    expect(noReason.status).toBe(422);
    expect(noReason.json.error.message).toMatch(/reason/);
    expect((await act(forceOpen.POST, A, { reason: "x" })).json.error.message).toMatch(/at least 3/);
    const bad = await act(forceOpen.POST, "Not A Platform", { reason: "contain" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/platform/);
    const unknown = await act(forceOpen.POST, "nosuchplatform", { reason: "contain" });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain(A);
  });

  it("an operator force-opens and resets with a reason (audited); repeating either is a 409", async () => {
    as("operator");
    const opened = await act(forceOpen.POST, B, { reason: "platform incident INC-42" });
    expect(opened.status).toBe(200);
    expect(opened.json.breaker).toMatchObject({ name: B, state: "open", forced: true });
    const again = await act(forceOpen.POST, B, { reason: "me too" });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already forced open/);

    const board = await call(list.GET, "/api/v1/reconciliation/breakers");
    const b = board.json.breakers.find((x: { platform: string }) => x.platform === B);
    expect(b.transitions[0]).toMatchObject({ from: "closed", to: "open", cause: "forced_open", actor: "user:operator@test.local", reason: "platform incident INC-42" });

    expect((await act(reset.POST, B, { reason: "incident resolved" })).json.breaker).toMatchObject({ state: "closed", forced: false });
    expect((await act(reset.POST, B, { reason: "incident resolved" })).status).toBe(409);
    const audit = await db().auditLog.findMany({ where: { target: `breaker:${B}` }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actor, a.reason])).toEqual([
      ["breaker.force_open", "user:operator@test.local", "platform incident INC-42"],
      ["breaker.reset", "user:operator@test.local", "incident resolved"],
    ]);
  });
});
