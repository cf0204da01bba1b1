import { describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey, verifyApiKey } from "./api-keys";
import { db } from "../db";

describe("API keys", () => {
  it("creates a key shown once, stores only its hash, verifies and revokes it", async () => {
    const created = await createApiKey({ name: "test-prometheus", scopes: ["metrics:read"], actor: "test" });
    expect(created.key).toMatch(/^opsk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.hash).not.toContain(created.key.slice(14));
    expect(JSON.stringify(row)).not.toContain(created.key);

    const identity = await verifyApiKey(created.key);
    expect(identity).toMatchObject({ kind: "apiKey", name: "test-prometheus", scopes: ["metrics:read"] });

    // Same prefix, wrong secret.
    const forged = created.key.slice(0, 14) + "A".repeat(43);
    expect(await verifyApiKey(forged)).toBeNull();
    expect(await verifyApiKey("not-a-key")).toBeNull();

    await revokeApiKey(created.id, "test");
    expect(await verifyApiKey(created.key)).toBeNull();
    await expect(revokeApiKey(created.id, "test")).rejects.toMatchObject({ code: "conflict" });

    const audit = await db().auditLog.findMany({ where: { target: created.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["api_key.create", "api_key.revoke"]);
  });
});
