import "server-only";
// SLO gauges for Prometheus, computed on scrape from the same cached status the page shows.
// Label: slo name only (bounded: one per file in slo/).
import { pool } from "@/lib/platform/db";
import { logger } from "@/lib/platform/logger";
import { gauge } from "@/lib/platform/metrics";
import { loadSlos } from "./definitions";
import { cachedStatus, type SloStatus } from "./status";

async function statuses(): Promise<SloStatus[]> {
  const now = new Date();
  return Promise.all(loadSlos().map((slo) => cachedStatus(pool(), slo, now)));
}

export const sliRatioGauge = gauge("opsdeck_slo_sli_ratio", "SLO indicator over its rolling window: good / total events (absent without events)", ["slo"] as const, async function () {
  try {
    const list = await statuses();
    this.reset();
    for (const s of list) if (s.sli !== null) this.set({ slo: s.name }, s.sli);
  } catch (err) {
    logger.warn({ err }, "opsdeck_slo_sli_ratio: database unavailable during scrape");
  }
});

export const budgetRemainingGauge = gauge(
  "opsdeck_slo_error_budget_remaining_ratio",
  "Share of the SLO window's error budget left: 1 untouched, 0 spent, negative overspent",
  ["slo"] as const,
  async function () {
    try {
      const list = await statuses();
      this.reset();
      for (const s of list) this.set({ slo: s.name }, s.errorBudgetRemaining);
    } catch (err) {
      logger.warn({ err }, "opsdeck_slo_error_budget_remaining_ratio: database unavailable during scrape");
    }
  },
);
