// next-auth's raw credentials endpoint, as a script or proxy calls it: GET /api/auth/csrf, then a
// form POST to /api/auth/callback/credentials with the CSRF cookie. Wrong passwords redirect to the
// sign-in page (never 5xx), redirects lead to the address the user came from (never the bind
// address), and repeated failures are throttled with the wait in the redirect.
import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { addUser } from "@/lib/platform/users";
import { GET, POST } from "./route";

const BIND = "http://0.0.0.0:3917"; // what req.url carries under `next start -H 0.0.0.0`
const HOST = "console.example:8443";
const password = "correct-horse-battery-staple";
let email = "";

async function signIn(pass: string, extraHeaders: Record<string, string> = {}) {
  const params = { nextauth: ["csrf"] };
  const csrfRes = await GET(new NextRequest(`${BIND}/api/auth/csrf`, { headers: { host: HOST, ...extraHeaders } }), { params: Promise.resolve(params) });
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookie = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await POST(
    new NextRequest(`${BIND}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { host: HOST, cookie, "content-type": "application/x-www-form-urlencoded", ...extraHeaders },
      body: new URLSearchParams({ email, password: pass, csrfToken }).toString(),
    }),
    { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) },
  );
  return { status: res.status, location: res.headers.get("location") ?? "" };
}

beforeAll(async () => {
  email = `signin-${randomUUID()}@test.local`;
  await addUser({ email, role: "viewer", password, actor: "test" });
});

describe("raw next-auth credentials sign-in", () => {
  it("answers a wrong password with a redirect to the sign-in page at the user's address, not a 5xx", async () => {
    const r = await signIn("wrong-password");
    expect(r.status).toBe(302);
    expect(r.location).toMatch(/^http:\/\/console\.example:8443\/signin\?error=CredentialsSignin&code=credentials/);
  });

  it("answers the right password with a redirect to the user's address, ignoring untrusted X-Forwarded-Host", async () => {
    const r = await signIn(password, { "x-forwarded-host": "evil.example" });
    expect(r.status).toBe(302);
    expect(new URL(r.location).host).toBe(HOST);
  });

  it("follows OPSDECK_PUBLIC_URL when set", async () => {
    process.env.OPSDECK_PUBLIC_URL = "https://ops.example.com";
    try {
      const r = await signIn(password);
      expect(new URL(r.location).origin).toBe("https://ops.example.com");
    } finally {
      delete process.env.OPSDECK_PUBLIC_URL;
    }
  });

  it("throttles repeated failures and says how long to wait", async () => {
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) codes.push(new URL((await signIn("wrong-again")).location).searchParams.get("code") ?? "");
    expect(codes).toEqual(["credentials", "credentials", "credentials", "throttled_1"]);
    // Throttled means refused before the password is looked at: the right one is refused too.
    expect(new URL((await signIn(password)).location).searchParams.get("code")).toMatch(/^throttled_\d+$/);
  });
});
