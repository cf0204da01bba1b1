import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { oidcRole, oidcUser } from "./oidc";

describe("single sign-on (OIDC) profiles", () => {
  it("maps the role claim to the strongest role granted, else the default role", () => {
    expect(oidcRole({ roles: ["viewer", "operator"] }, {})).toBe("operator");
    expect(oidcRole({ roles: "admin" }, {})).toBe("admin");
    expect(oidcRole({ groups: ["merchandiser"] }, { OIDC_ROLE_CLAIM: "groups" })).toBe("merchandiser");
    expect(oidcRole({ roles: ["superuser", "staff"] }, {})).toBe("viewer");
    expect(oidcRole({}, { OIDC_DEFAULT_ROLE: "merchandiser" })).toBe("merchandiser");
    expect(oidcRole({}, { OIDC_DEFAULT_ROLE: "root" })).toBe("viewer"); // not a role: the safe default
  });

  it("creates the user at first sign-in and refreshes the role from the claim at the next", async () => {
    const email = `sso-${randomUUID().slice(0, 8)}@example.test`;
    const first = await oidcUser({ email: email.toUpperCase(), name: "Sam Sso", roles: ["operator"] }, {});
    expect(first).toMatchObject({ email, name: "Sam Sso", role: "operator" });
    const again = await oidcUser({ email, roles: ["viewer"] }, {});
    expect(again).toMatchObject({ id: first.id, role: "viewer" });
    expect((await db().user.findUniqueOrThrow({ where: { email } })).passwordHash).toBeNull(); // no password to guess
  });

  it("refuses a profile without an email and a user an admin disabled", async () => {
    await expect(oidcUser({ sub: "123", roles: ["admin"] }, {})).rejects.toThrow(/no email claim/);
    const email = `sso-off-${randomUUID().slice(0, 8)}@example.test`;
    await oidcUser({ email, roles: ["admin"] }, {});
    await db().user.update({ where: { email }, data: { disabled: true } });
    await expect(oidcUser({ email, roles: ["admin"] }, {})).rejects.toThrow(/disabled/);
    expect((await db().user.findUniqueOrThrow({ where: { email } })).disabled).toBe(true);
  });
});
