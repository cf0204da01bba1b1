// Alerting signals over the platforms' shared breakers (rules in alerting/rules.yaml, runbooks
// reconciliation-breaker-flapping and reconciliation-breaker-open). Read from the breakers' tables,
// so they are cluster-wide whichever instance evaluates them.
import type { Signal } from "@/lib/alerting/types";
import { flapCounts, openSince } from "@/lib/platform/breakers/store";
import { reconciliationPlatforms } from "./platforms";

export const reconciliationBreakerSignals: Signal[] = [
  {
    name: "reconciliation_breaker_flaps",
    domain: "reconciliation",
    description: "OPEN ↔ HALF_OPEN transitions within the window of the most-flapping platform breaker (each failed half-open probe adds two).",
    unit: "transitions",
    async evaluate(ctx, w) {
      const counts = await flapCounts(ctx.pool, reconciliationPlatforms(), new Date(ctx.now.getTime() - w * 1000));
      return Math.max(0, ...counts.values());
    },
  },
  {
    name: "reconciliation_breakers_stuck_open",
    domain: "reconciliation",
    description: "Platform breakers open or half-open (not forced by an operator) without closing for the whole window.",
    unit: "platforms",
    async evaluate(ctx, w) {
      return (await openSince(ctx.pool, reconciliationPlatforms(), new Date(ctx.now.getTime() - w * 1000))).length;
    },
  },
];
