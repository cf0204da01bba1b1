import "server-only";
// Anti-automation for sign-in (OWASP ASVS 2.2): per account and per client address, on the shared
// PostgreSQL limiter so every instance sees the same counts.
//   - slow-down: from the Nth consecutive failure of an account, the next attempt must wait 1, 2, 4 … s
//     (capped), doubling with each further failure;
//   - lockout: after SIGNIN_MAX_FAILURES_PER_ACCOUNT failures in the window the account is refused
//     for SIGNIN_LOCKOUT_SECONDS (a correct password included: that is what a lockout means);
//   - per address: SIGNIN_MAX_FAILURES_PER_ADDRESS failures a minute, then a block.
// A success clears the account's failures. Every failure and refusal is audited (never the password)
// and counted in auth_signin_attempts_total{outcome}.
import { createHash } from "node:crypto";
import { z } from "zod";
import { db } from "../db";
import { envFor, envHelpers } from "../env";
import { counter } from "../metrics";
import { writeAudit } from "../audit";
import { limitedFor, rateLimiter, spend } from "../rate-limit";

const settingsSchema = z.object({
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: envHelpers.int(10),
  SIGNIN_FAILURE_WINDOW_SECONDS: envHelpers.int(900),
  SIGNIN_LOCKOUT_SECONDS: envHelpers.int(900),
  SIGNIN_SLOWDOWN_AFTER_FAILURES: envHelpers.int(3),
  SIGNIN_SLOWDOWN_MAX_SECONDS: envHelpers.int(60),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: envHelpers.int(30),
  SIGNIN_ADDRESS_BLOCK_SECONDS: envHelpers.int(300),
});
export const signinSettings = () => envFor("sign-in throttling", settingsSchema);

export const signinAttempts = counter("auth_signin_attempts_total", "Password sign-in attempts by outcome (success, failure, throttled)", ["outcome"] as const);

function limiters() {
  const s = signinSettings();
  return {
    account: rateLimiter({ name: "signin-account", points: s.SIGNIN_MAX_FAILURES_PER_ACCOUNT, windowSeconds: s.SIGNIN_FAILURE_WINDOW_SECONDS, blockSeconds: s.SIGNIN_LOCKOUT_SECONDS }),
    // One point: a block() on it is the slow-down wait; get() tells whether it is still running.
    slowdown: rateLimiter({ name: "signin-slowdown", points: 1, windowSeconds: 1 }),
    address: rateLimiter({ name: "signin-address", points: s.SIGNIN_MAX_FAILURES_PER_ADDRESS, windowSeconds: 60, blockSeconds: s.SIGNIN_ADDRESS_BLOCK_SECONDS }),
  };
}

export type ThrottleReason = "account_locked" | "slow_down" | "address_blocked";

export class SignInThrottled extends Error {
  constructor(
    readonly reason: ThrottleReason,
    readonly retryAfterSeconds: number,
  ) {
    super(`Sign-in throttled (${reason}); retry after ${retryAfterSeconds} s`);
    this.name = "SignInThrottled";
  }
}

/** Limiter keys for an account: a digest, so long addresses fit and the store holds no emails. */
const accountKey = (email: string) => createHash("sha256").update(email).digest("hex").slice(0, 40);

async function audit(action: string, email: string, details: Record<string, string | number>) {
  await db().$transaction((tx) => writeAudit(tx, { actor: "anonymous", action, target: email, details }));
}

/** Throws SignInThrottled (after auditing it) when this attempt must not even be checked. */
export async function assertSignInAllowed(email: string, address: string): Promise<void> {
  const l = limiters();
  const key = accountKey(email);
  const [locked, slowed, blocked] = await Promise.all([limitedFor(l.account, key), limitedFor(l.slowdown, key), limitedFor(l.address, address)]);
  const [reason, wait]: [ThrottleReason | null, number] = locked ? ["account_locked", locked] : blocked ? ["address_blocked", blocked] : slowed ? ["slow_down", slowed] : [null, 0];
  if (!reason) return;
  signinAttempts.inc({ outcome: "throttled" });
  await audit("auth.signin_throttled", email, { reason, address, retry_after_seconds: wait });
  throw new SignInThrottled(reason, wait);
}

/** Records a failed attempt: audit row, counters, and the slow-down before the next one. */
export async function recordSignInFailure(email: string, address: string, reason: string): Promise<void> {
  const s = signinSettings();
  const l = limiters();
  const key = accountKey(email);
  const [account] = await Promise.all([spend(l.account, key), spend(l.address, address)]);
  const beyond = account.consumed - s.SIGNIN_SLOWDOWN_AFTER_FAILURES;
  if (!account.limited && beyond >= 0) await l.slowdown.block(key, Math.min(2 ** beyond, s.SIGNIN_SLOWDOWN_MAX_SECONDS));
  signinAttempts.inc({ outcome: "failure" });
  await audit("auth.signin_failed", email, { reason, address, consecutive_failures: account.consumed });
}

export async function recordSignInSuccess(email: string): Promise<void> {
  const l = limiters();
  const key = accountKey(email);
  await Promise.all([l.account.delete(key), l.slowdown.delete(key)]);
  signinAttempts.inc({ outcome: "success" });
}
