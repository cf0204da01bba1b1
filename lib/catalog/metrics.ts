import "server-only";
// Catalog metrics. Labels are bounded: outcome is "results" | "zero_results"; never the query.
import { pool } from "@/lib/platform/db";
import { logger } from "@/lib/platform/logger";
import { counter, gauge, histogram } from "@/lib/platform/metrics";

export const searchesTotal = counter("catalog_searches_total", "Catalog searches by outcome (results | zero_results)", ["outcome"] as const);
export const searchClicksTotal = counter("catalog_search_clicks_total", "Clicks on catalog search results");
export const searchDuration = histogram("catalog_search_duration_seconds", "Catalog search time (typo correction and ranked query), excluding logging", [], [
  0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1,
]);

/**
 * The seed's smplat_catalog_zero_results_rate in our namespace: zero-result searches / searches over
 * the sliding window, read from the database on scrape (so every replica reports the same value).
 * Absent while the window holds fewer searches than the minimum sample size.
 */
export const zeroResultsRateGauge = gauge(
  "catalog_zero_results_rate",
  "Share of catalog searches with zero results over CATALOG_ZERO_RESULTS_WINDOW_SECONDS; absent below the minimum sample size",
  [],
  async function () {
    try {
      const { zeroResultsRate } = await import("./insights");
      const r = await zeroResultsRate(pool(), { now: new Date() });
      this.reset();
      if (r.rate !== null) this.set(r.rate);
    } catch (err) {
      logger.warn({ err }, "catalog_zero_results_rate: database unavailable during scrape");
    }
  },
);
