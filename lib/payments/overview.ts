// The payments tile on the overview: webhook failures first (orders stuck without fulfillment until
// an operator retries), then the checkout failure ratio, then signature failures; the same signals
// and thresholds as the payments alert rules (alerting/rules.yaml).
import { pool } from "@/lib/platform/db";
import { plural, type OverviewTileSource } from "@/lib/platform/overview";
import { paymentSignals } from "./signals";

const WINDOW_SECONDS = 900;

export const paymentsTile: OverviewTileSource = {
  area: "payments",
  title: "Payments",
  href: "/payments",
  async load() {
    const now = new Date();
    const signal = async (name: string) => (await paymentSignals.find((s) => s.name === name)!.evaluate({ now, pool: pool() }, WINDOW_SECONDS)) ?? 0;
    const [attempts, failureRatio, webhookFailures, signatureFailures] = await Promise.all([
      signal("payments_checkout_attempts"),
      signal("payments_checkout_failure_ratio"),
      signal("payments_webhook_failed_increase"),
      signal("payments_webhook_signature_failures_increase"),
    ]);
    const flow = `${plural(attempts, "checkout")} in 15 min, ${Math.round(failureRatio * 100)} % failed`;
    if (webhookFailures > 0) return { status: "bad", headline: `${plural(webhookFailures, "webhook")} failed in 15 min`, detail: `dead letters to retry · ${flow}` };
    if (attempts >= 20 && failureRatio > 0.3) return { status: "bad", headline: `${Math.round(failureRatio * 100)} % of checkouts failing`, detail: flow };
    if (signatureFailures > 0) return { status: "warn", headline: `${plural(signatureFailures, "bad webhook signature")} in 15 min`, detail: flow };
    if (attempts === 0) return { status: "neutral", headline: "No checkouts in 15 min", detail: "no webhook failures" };
    return { status: "good", headline: `${plural(attempts, "checkout")} in 15 min`, detail: `${Math.round(failureRatio * 100)} % failed · no webhook failures` };
  },
};
