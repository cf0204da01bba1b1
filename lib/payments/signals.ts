// Payments' alerting signals, from the per-minute counters every instance writes (primary-key
// range scans over a window's minutes). A window's first minute is counted whole.
import type { Signal, SignalContext } from "@/lib/alerting/types";

async function sumCounters(ctx: SignalContext, windowSeconds: number, kind: string, outcomes: string[]): Promise<number> {
  const from = new Date(ctx.now.getTime() - windowSeconds * 1000);
  const { rows } = await ctx.pool.query<{ n: string | null }>(
    `select sum(count)::text as n from payment_counters
      where bucket >= date_trunc('minute', $1::timestamptz) and bucket <= $2 and kind = $3 and outcome = any($4::text[])`,
    [from, ctx.now, kind, outcomes],
  );
  return Number(rows[0]?.n ?? 0);
}

const CHECKOUT_OUTCOMES = ["succeeded", "failed", "processing"];

export const paymentSignals: Signal[] = [
  {
    name: "payments_checkout_attempts",
    domain: "payments",
    description: "Checkouts that reached the payment provider within the window (payment_counters).",
    unit: "checkouts",
    evaluate: (ctx, w) => sumCounters(ctx, w, "checkout", CHECKOUT_OUTCOMES),
  },
  {
    name: "payments_checkout_failure_ratio",
    domain: "payments",
    description: "Failed checkouts (declines and provider errors) / all checkouts within the window; no data without checkouts.",
    unit: "ratio",
    evaluate: async (ctx, w) => {
      const [failed, all] = await Promise.all([sumCounters(ctx, w, "checkout", ["failed"]), sumCounters(ctx, w, "checkout", CHECKOUT_OUTCOMES)]);
      return all === 0 ? null : failed / all;
    },
  },
  {
    name: "payments_webhook_failed_increase",
    domain: "payments",
    description: "Webhook events whose processing failed for good (dead-lettered) within the window.",
    unit: "events",
    evaluate: (ctx, w) => sumCounters(ctx, w, "webhook", ["failed"]),
  },
  {
    name: "payments_webhook_signature_failures_increase",
    domain: "payments",
    description: "Webhook deliveries rejected for a bad signature or a stale timestamp within the window.",
    unit: "deliveries",
    evaluate: (ctx, w) => sumCounters(ctx, w, "webhook", ["signature_invalid", "timestamp_expired"]),
  },
];
