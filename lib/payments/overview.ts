// The payments tile on the overview: webhook failures first (orders stuck without fulfillment until
// an operator retries), then the checkout failure ratio, then signature failures; the same signals
// and thresholds as the payments alert rules (alerting/rules.yaml).
import { plural, signalValues, type OverviewTileSource } from "@/lib/platform/overview";
import { paymentSignals } from "./signals";

const WINDOW_SECONDS = 900;

export const paymentsTile: OverviewTileSource = {
  area: "payments",
  title: "Payments",
  href: "/payments",
  async load() {
    const v = await signalValues(
      paymentSignals,
      ["payments_checkout_attempts", "payments_checkout_failure_ratio", "payments_webhook_failed_increase", "payments_webhook_signature_failures_increase"],
      WINDOW_SECONDS,
    );
    const attempts = v.payments_checkout_attempts;
    const failureRatio = v.payments_checkout_failure_ratio;
    const webhookFailures = v.payments_webhook_failed_increase;
    const signatureFailures = v.payments_webhook_signature_failures_increase;
    const flow = `${plural(attempts, "checkout")} in 15 min, ${Math.round(failureRatio * 100)} % failed`;
    if (webhookFailures > 0) return { status: "bad", headline: `${plural(webhookFailures, "webhook")} failed in 15 min`, detail: `dead letters to retry · ${flow}` };
    if (attempts >= 20 && failureRatio > 0.3) return { status: "bad", headline: `${Math.round(failureRatio * 100)} % of checkouts failing`, detail: flow };
    if (signatureFailures > 0) return { status: "warn", headline: `${plural(signatureFailures, "bad webhook signature")} in 15 min`, detail: flow };
    if (attempts === 0) return { status: "neutral", headline: "No checkouts in 15 min", detail: "no webhook failures" };
    return { status: "good", headline: `${plural(attempts, "checkout")} in 15 min`, detail: `${Math.round(failureRatio * 100)} % failed · no webhook failures` };
  },
};
