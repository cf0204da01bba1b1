// Sign-in throttling on the real PostgreSQL limiter store.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "../db";
import { registry } from "../metrics";
import { clientAddress } from "../http/client-address";
import { assertSignInAllowed, recordSignInFailure, recordSignInSuccess, SignInThrottled } from "./signin-throttle";

const email = () => `throttle-${randomUUID()}@test.local`;
const address = () => `198.51.100.${Math.floor(Math.random() * 250)}-${randomUUID().slice(0, 8)}`;

async function refusal(e: string, a: string): Promise<SignInThrottled | null> {
  try {
    await assertSignInAllowed(e, a);
    return null;
  } catch (err) {
    if (err instanceof SignInThrottled) return err;
    throw err;
  }
}

async function attempts(outcome: string): Promise<number> {
  const m = (await registry.getSingleMetric("auth_signin_attempts_total")?.get())?.values.find((v) => v.labels.outcome === outcome);
  return m?.value ?? 0;
}

afterEach(() => {
  for (const k of ["SIGNIN_MAX_FAILURES_PER_ACCOUNT", "SIGNIN_SLOWDOWN_AFTER_FAILURES", "SIGNIN_MAX_FAILURES_PER_ADDRESS", "OPSDECK_TRUST_PROXY"]) delete process.env[k];
});

describe("sign-in throttling", () => {
  it("lets the first failures through, then slows the account down exponentially", async () => {
    const e = email();
    const a = address();
    for (let i = 0; i < 2; i++) {
      expect(await refusal(e, a)).toBeNull();
      await recordSignInFailure(e, a, "bad_password");
    }
    expect(await refusal(e, a)).toBeNull();
    await recordSignInFailure(e, a, "bad_password"); // the 3rd failure starts a 1 s wait
    const first = await refusal(e, a);
    expect(first?.reason).toBe("slow_down");
    expect(first?.retryAfterSeconds).toBe(1);
    await recordSignInFailure(e, a, "bad_password"); // the 4th doubles it
    expect((await refusal(e, a))?.retryAfterSeconds).toBe(2);
  });

  it("locks the account after the maximum failures, whatever the address, and audits each step without the password", async () => {
    process.env.SIGNIN_MAX_FAILURES_PER_ACCOUNT = "5";
    process.env.SIGNIN_SLOWDOWN_AFTER_FAILURES = "100";
    const e = email();
    const throttledBefore = await attempts("throttled");
    for (let i = 0; i < 5; i++) await recordSignInFailure(e, address(), "bad_password");
    expect(await refusal(e, address())).toBeNull(); // 5 failures spend the budget exactly
    await recordSignInFailure(e, address(), "bad_password");
    const locked = await refusal(e, address());
    expect(locked?.reason).toBe("account_locked");
    expect(locked!.retryAfterSeconds).toBeGreaterThan(800); // SIGNIN_LOCKOUT_SECONDS = 900
    expect(await attempts("throttled")).toBe(throttledBefore + 1);

    const rows = await db().auditLog.findMany({ where: { target: e }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.action)).toEqual([...Array(6).fill("auth.signin_failed"), "auth.signin_throttled"]);
    expect(rows[5].details).toMatchObject({ reason: "bad_password", consecutive_failures: 6 });
    expect(rows[6].details).toMatchObject({ reason: "account_locked" });
    expect(JSON.stringify(rows.map((r) => r.details))).not.toMatch(/password"\s*:/);
  });

  it("clears an account's failures on success", async () => {
    const e = email();
    const a = address();
    for (let i = 0; i < 3; i++) await recordSignInFailure(e, a, "bad_password");
    expect(await refusal(e, a)).not.toBeNull();
    await recordSignInSuccess(e);
    expect(await refusal(e, a)).toBeNull();
  });

  it("blocks an address that fails across many accounts", async () => {
    process.env.SIGNIN_MAX_FAILURES_PER_ADDRESS = "4";
    const a = address();
    for (let i = 0; i < 5; i++) await recordSignInFailure(email(), a, "unknown_user");
    const blocked = await refusal(email(), a);
    expect(blocked?.reason).toBe("address_blocked");
    expect(await refusal(email(), address())).toBeNull();
  });

  it("reads the client address from X-Forwarded-For: the nearest hop, or the first when the proxy is trusted", () => {
    const h = new Headers({ "x-forwarded-for": "203.0.113.9, 10.0.0.2" });
    expect(clientAddress(h)).toBe("10.0.0.2");
    process.env.OPSDECK_TRUST_PROXY = "true";
    expect(clientAddress(h)).toBe("203.0.113.9");
    expect(clientAddress(new Headers())).toBe("unknown");
  });
});
