// SLO burn-rate alerting: one signal per SLO (its burn rate over any window) and four
// multiwindow multi-burn-rate rules per SLO (two pages, two tickets), pushed into the alerting
// registry. Each rule fires only when BOTH its long and its short window burn faster than the
// factor (the long window proves it matters, the short one that it is still happening), and only
// with at least `minEvents` events in the long window, so three failures at 2 a.m. page nobody.
import type { AlertRule, Signal, SignalContext } from "@/lib/alerting/types";
import { BURN_ALERT_WINDOWS, alertFactor, burnRate, burnRateExceeds, windowLabel, type BurnAlertWindow } from "./math";
import { loadSlos, type SloDefinition } from "./definitions";
import { cachedStatus, windowCounts } from "./status";
// Registers the SLO gauges in every process that evaluates rules (the server, via lib/domains.ts).
import "./metrics";

export function burnSignalName(slo: SloDefinition): string {
  return `slo_${slo.name.replace(/-/g, "_")}_burn_rate`;
}

function pascal(name: string): string {
  return name
    .split("-")
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

export function burnRuleName(slo: SloDefinition, w: BurnAlertWindow): string {
  const kind = w.severity === "critical" ? "Page" : "Ticket";
  return `${pascal(slo.name)}BudgetBurn${kind}${windowLabel(w.longSeconds)}`;
}

export function burnRunbook(slo: SloDefinition): string {
  return `slo-${slo.name}-burn`;
}

/** The counts for a window, from the shared status when it covers it (it does for all alert windows). */
async function counts(slo: SloDefinition, ctx: SignalContext, seconds: number) {
  const status = await cachedStatus(ctx.pool, slo, ctx.now);
  const row = status.burnRates.find((b) => b.seconds === seconds);
  if (row) return { good: row.good, total: row.total };
  return (await windowCounts(ctx.pool, slo, ctx.now, [seconds]))[0];
}

export function sloSignals(): Signal[] {
  return loadSlos().map((slo) => ({
    name: burnSignalName(slo),
    domain: slo.service,
    description: `Error-budget burn rate of SLO "${slo.displayName}" over the window (1 = spends exactly the ${slo.windowLabel} budget).`,
    unit: "×",
    evaluate: async (ctx, windowSeconds) => {
      const c = await counts(slo, ctx, windowSeconds);
      return burnRate(c.good, c.total, slo.target);
    },
  }));
}

export interface BurnRuleDetail {
  slo: SloDefinition;
  window: BurnAlertWindow;
  factor: number;
}

/** The rule objects plus what exporters need to write the same alert in PromQL. */
export function burnRuleDetails(): (BurnRuleDetail & { rule: AlertRule })[] {
  return loadSlos().flatMap((slo) =>
    BURN_ALERT_WINDOWS.map((w) => {
      const factor = alertFactor(w.budgetPercent, slo.windowSeconds, w.longSeconds);
      const long = windowLabel(w.longSeconds);
      const short = windowLabel(w.shortSeconds);
      const page = w.severity === "critical";
      const rule: AlertRule = {
        name: burnRuleName(slo, w),
        signal: burnSignalName(slo),
        op: ">",
        threshold: factor,
        windowSeconds: w.longSeconds,
        forSeconds: w.forSeconds,
        keepFiringForSeconds: 0,
        severity: w.severity,
        labels: { slo: slo.name, long_window: long, short_window: short, service: slo.service },
        // No {{ value }}: in the Prometheus export the alert's value is the error ratio, not the burn rate.
        summary: `${slo.displayName}: error budget burning faster than ${factor}× the sustainable rate over ${long} and ${short}`,
        description:
          `SLO "${slo.displayName}" (${slo.objective}, ${slo.windowLabel} window) is spending its error budget at more than ` +
          `${factor}× the sustainable rate over both the last ${long} and the last ${short}: at this pace ${w.budgetPercent}% ` +
          `of the ${slo.windowLabel} budget goes within ${long}. ` +
          (page ? "This pages: customers are affected now." : "This opens a ticket: fix within working hours before the budget runs out."),
        runbook: burnRunbook(slo),
        condition: async (ctx) => {
          const [l, s] = await Promise.all([counts(slo, ctx, w.longSeconds), counts(slo, ctx, w.shortSeconds)]);
          const value = burnRate(l.good, l.total, slo.target);
          // Minimum-traffic guard: too few events make the ratio noise, not evidence.
          if (l.total < slo.minEvents) return { firing: false, value };
          const firing = burnRateExceeds(l.good, l.total, slo.target, factor) && burnRateExceeds(s.good, s.total, slo.target, factor);
          return { firing, value };
        },
      };
      return { slo, window: w, factor, rule };
    }),
  );
}

export function sloRules(): AlertRule[] {
  return burnRuleDetails().map((d) => d.rule);
}
