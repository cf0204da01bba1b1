// Reconciliation's alerting signals (rules in alerting/rules.yaml; seed 003 §5 targets and §7
// troubleshooting table). Read from the claims and attempts tables, so they are cluster-wide
// whichever instance evaluates them; windows are served by the reconciled_at / submitted_at indexes.
import type { Signal, SignalContext } from "@/lib/alerting/types";
import { queueDepth } from "./stats";

async function terminal(ctx: SignalContext, w: number) {
  const { rows } = await ctx.pool.query<{ total: number; missing: number; overclaim: number; classified: number; delta_sum: number | null }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'missing')::int AS missing,
            count(*) FILTER (WHERE status = 'overclaim')::int AS overclaim, count(*) FILTER (WHERE status <> 'missing')::int AS classified,
            sum(trust_delta) FILTER (WHERE status <> 'missing')::float8 AS delta_sum
       FROM reconciliation_submissions WHERE reconciled_at > $1 AND reconciled_at <= $2`,
    [new Date(ctx.now.getTime() - w * 1000), ctx.now],
  );
  return rows[0];
}

export const reconciliationSignals: Signal[] = [
  {
    name: "reconciliation_queue_depth",
    domain: "reconciliation",
    description: "Claims waiting for a (next) reconciliation attempt now (status queued or retrying); the window is ignored.",
    unit: "claims",
    evaluate: (ctx) => queueDepth(ctx.pool),
  },
  {
    name: "reconciliation_claims_finished",
    domain: "reconciliation",
    description: "Claims that reached a terminal status (matched, discrepancy, overclaim, missing) within the window.",
    unit: "claims",
    evaluate: async (ctx, w) => (await terminal(ctx, w)).total,
  },
  {
    name: "reconciliation_missing_ratio",
    domain: "reconciliation",
    description: "Claims ending missing / claims reaching a terminal status within the window (0 when none finished).",
    unit: "ratio",
    async evaluate(ctx, w) {
      const t = await terminal(ctx, w);
      return t.missing / Math.max(1, t.total);
    },
  },
  {
    name: "reconciliation_overclaim_ratio",
    domain: "reconciliation",
    description: "Overclaims / claims classified (matched, discrepancy or overclaim) within the window.",
    unit: "ratio",
    async evaluate(ctx, w) {
      const t = await terminal(ctx, w);
      return t.overclaim / Math.max(1, t.classified);
    },
  },
  {
    name: "reconciliation_mean_trust_delta",
    domain: "reconciliation",
    description: "Mean trust-score change per classified claim within the window (null when none was classified).",
    unit: "points",
    async evaluate(ctx, w) {
      const t = await terminal(ctx, w);
      return t.classified ? (t.delta_sum ?? 0) / t.classified : null;
    },
  },
  {
    name: "reconciliation_first_attempt_p95_seconds",
    domain: "reconciliation",
    description: "95th percentile of submission → first finished attempt, over claims submitted within the window (null when none).",
    unit: "seconds",
    async evaluate(ctx, w) {
      const { rows } = await ctx.pool.query<{ p95: number | null }>(
        `SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM coalesce(first_attempt_at, $2) - submitted_at))::float8 AS p95
           FROM reconciliation_submissions WHERE submitted_at > $1 AND submitted_at <= $2`,
        [new Date(ctx.now.getTime() - w * 1000), ctx.now],
      );
      return rows[0]?.p95 ?? null;
    },
  },
];
