import { describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import type { SessionIdentity } from "./auth/identity";

const session: { user: SessionIdentity | null } = { user: null };
vi.mock("@/lib/platform/auth/identity", () => ({ currentUser: async () => session.user }));
const { loadTiles } = await import("./overview");
const { overviewTiles } = await import("@/lib/domains");
const { GET } = await import("@/app/api/v1/overview/route");

describe("overview tiles", () => {
  it("every registered area loads a tile with a status, a headline and a link", async () => {
    const tiles = await loadTiles(overviewTiles);
    expect(tiles.map((t) => t.area)).toEqual(["alerts", "fulfillment", "payments", "catalog", "whatsapp", "reconciliation", "slos", "api"]);
    for (const t of tiles) {
      expect(["good", "warn", "bad", "neutral"]).toContain(t.status);
      expect(t.headline).not.toBe("Unavailable");
      expect(t.href).toMatch(/^\//);
    }
  });

  it("a tile that fails or hangs says so, and the others still load", async () => {
    const tiles = await loadTiles([
      { area: "broken", title: "Broken", href: "/b", load: async () => Promise.reject(new Error("connection refused")) },
      { area: "hung", title: "Hung", href: "/h", load: () => new Promise(() => {}) },
      { area: "fine", title: "Fine", href: "/f", load: async () => ({ status: "good", headline: "1", detail: "d" }) },
    ]);
    expect(tiles[0]).toMatchObject({ status: "bad", headline: "Unavailable", detail: expect.stringContaining("connection refused") });
    expect(tiles[1]).toMatchObject({ status: "bad", detail: expect.stringContaining("no answer within 2000 ms") });
    expect(tiles[2]).toMatchObject({ status: "good", headline: "1" });
  });

  it("GET /api/v1/overview serves tiles and system checks to a viewer, and refuses anonymous callers", async () => {
    const call = (part: string) => GET(new NextRequest(`http://localhost/api/v1/overview?part=${part}`), { params: Promise.resolve({}) });
    expect((await call("tiles")).status).toBe(401);
    session.user = { kind: "session", userId: "00000000-0000-4000-8000-000000000003", email: "viewer@test.local", role: "viewer" };
    const tiles = await (await call("tiles")).json();
    expect(tiles.tiles).toHaveLength(overviewTiles.length);
    const system = await (await call("system")).json();
    expect(system.checks.map((c: { name: string }) => c.name)).toContain("database");
    expect((await call("nope")).status).toBe(400);
  });
});
