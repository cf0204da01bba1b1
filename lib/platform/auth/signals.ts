// Sign-in alerting signals, from the audit rows every failed or throttled attempt writes, so the
// count is cluster-wide (index audit_log(action, at)).
import type { Signal } from "@/lib/alerting/types";

export const authSignals: Signal[] = [
  {
    name: "auth_signin_failures",
    domain: "platform",
    description: "Failed and throttled password sign-ins within the window (audit rows auth.signin_failed / auth.signin_throttled).",
    unit: "attempts",
    async evaluate(ctx, windowSeconds) {
      const { rows } = await ctx.pool.query<{ n: string }>(
        `select count(*) as n from audit_log where action in ('auth.signin_failed', 'auth.signin_throttled') and at > $1 and at <= $2`,
        [new Date(ctx.now.getTime() - windowSeconds * 1000), ctx.now],
      );
      return Number(rows[0]?.n ?? 0);
    },
  },
];
