import { afterEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { z } from "zod";
import { clearSharedReads, sharedRead } from "./shared-read";
import type { SessionIdentity } from "./auth/identity";

const session = vi.hoisted(() => ({ user: null as SessionIdentity | null }));
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));

const { route } = await import("./http/route");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const noParams = { params: Promise.resolve({}) };

afterEach(() => {
  clearSharedReads();
  delete process.env.OPSDECK_SHARED_READ_MS;
});

describe("sharedRead", () => {
  it("runs one computation for callers arriving while it runs and within the TTL, then a new one", async () => {
    let computed = 0;
    const compute = async () => {
      computed++;
      await sleep(30);
      return { n: computed };
    };
    const first = await Promise.all([sharedRead("k", compute, 200), sharedRead("k", compute, 200), sharedRead("k", compute, 200)]);
    expect(first).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
    expect(await sharedRead("k", compute, 200)).toEqual({ n: 1 });
    expect(await sharedRead("other", compute, 200)).toEqual({ n: 2 });
    await sleep(220);
    expect(await sharedRead("k", compute, 200)).toEqual({ n: 3 });
  });

  it("does not keep a failure: the next caller computes again", async () => {
    await expect(sharedRead("f", async () => Promise.reject(new Error("database down")), 10_000)).rejects.toThrow("database down");
    expect(await sharedRead("f", async () => "recovered", 10_000)).toBe("recovered");
  });

  it("with a TTL of 0 computes every time", async () => {
    let computed = 0;
    await sharedRead("z", async () => ++computed, 0);
    await sharedRead("z", async () => ++computed, 0);
    expect(computed).toBe(2);
  });
});

describe("a route declared sharedRead", () => {
  let computed = 0;
  const panel = route(
    { route: "/test/shared-panel", sharedRead: true, policy: { session: "read" }, query: z.object({ window: z.enum(["1h", "6h"]).default("1h") }) },
    async ({ query }) => ({ window: query.window, computed: ++computed }),
  );
  const act = route({ route: "/test/shared-action", policy: { session: "operate" } }, async () => ({ ok: true }));
  const get = async (url: string) => (await panel(new NextRequest(`http://localhost${url}`), noParams)).json();

  it("shares the answer per query, still authorizes every caller, and a console action clears it", async () => {
    process.env.OPSDECK_SHARED_READ_MS = "60000";
    session.user = { kind: "session", userId: "u", email: "viewer@test.local", role: "viewer" };
    const a = await get("/test/shared-panel?window=1h");
    expect(await get("/test/shared-panel?window=1h")).toEqual(a);
    expect((await get("/test/shared-panel?window=6h")).computed).toBe(a.computed + 1);

    session.user = null;
    expect((await panel(new NextRequest("http://localhost/test/shared-panel?window=1h"), noParams)).status).toBe(401);

    session.user = { kind: "session", userId: "o", email: "operator@test.local", role: "operator" };
    const res = await act(new NextRequest("http://localhost/test/shared-action", { method: "POST" }), noParams);
    expect(res.status).toBe(200);
    expect((await get("/test/shared-panel?window=1h")).computed).toBe(a.computed + 2);
  });
});
