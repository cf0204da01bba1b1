// Catalog's alerting signal: the zero-result rate over the rule's window, from the search log
// (index-only scan on (searched_at, result_count)). Below the minimum sample size there is no
// data (null), so a quiet night with three searches, one of them empty, pages nobody.
import type { Signal } from "@/lib/alerting/types";
import { zeroResultsRate } from "./insights";

export const catalogSignals: Signal[] = [
  {
    name: "catalog_zero_results_rate",
    domain: "catalog",
    description: "Zero-result searches / searches within the window; no data below CATALOG_ZERO_RESULTS_MIN_SAMPLE_SIZE searches.",
    unit: "ratio",
    evaluate: async (ctx, windowSeconds) => (await zeroResultsRate(ctx.pool, { now: ctx.now, windowSeconds })).rate,
  },
];
