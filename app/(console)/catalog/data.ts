import "server-only";
// Server-side reads for the insights page, cached per request: every widget asks, the database
// answers once.
import { cache } from "react";
import { pool } from "@/lib/platform/db";
import { observabilitySnapshot, type Insights, type InsightWindow } from "@/lib/catalog/insights";
import { servedInsights } from "@/lib/catalog/insight-snapshots";
import { findSlo } from "@/lib/slo/definitions";

/** JSON round-trip: the client components get exactly what the polling endpoint returns. */
export const loadInsights = cache(async (window: InsightWindow) => JSON.parse(JSON.stringify(await servedInsights(pool(), window))) as Insights);

export const loadObservability = cache(async () => observabilitySnapshot(pool()));

/** The SLO's allowed zero-result rate (1 − target of slo/catalog-search-results.yaml). */
export function sloMaxZeroResultRate(): number {
  const slo = findSlo("catalog-search-results");
  return slo ? Math.round((1 - slo.target) * 1e4) / 1e4 : 0.2;
}
