import "server-only";
// The catalog's environment contract. Parsed on demand so tests can change process.env.
import { z } from "zod";
import { envFor, envHelpers } from "@/lib/platform/env";

const { bool, int } = envHelpers;

const schema = z.object({
  /** Sliding window of the zero-result rate (gauge, observability endpoint, alert signal). */
  CATALOG_ZERO_RESULTS_WINDOW_SECONDS: int(3600, 60),
  /** Below this many searches in the window the rate is "not enough searches", never 0. */
  CATALOG_ZERO_RESULTS_MIN_SAMPLE_SIZE: int(10, 1),
  /**
   * Search plan: when every query word is in at least this many product titles, the title tier walks
   * products in order and stops after one page; below it the full ranked query is cheaper.
   */
  CATALOG_SEARCH_TITLE_TIER_MIN_PRODUCTS: int(500, 1),
  /** Products the demo seeder creates (deterministic; idempotent). */
  CATALOG_DEMO_PRODUCTS: int(10_000, 0),
  /** Raw search log (and its clicks): the sliding zero-result rate reads it; insights read rollups. */
  CATALOG_SEARCH_LOG_RETENTION_DAYS: int(30, 1),
  /** Hour rollups feed the 24h window and its previous 24 h for trending: at least 3 days. */
  CATALOG_HOUR_ROLLUP_RETENTION_DAYS: int(7, 3),
  /** Day rollups feed the 30d window and its previous 30 days: at least 61 days. */
  CATALOG_DAY_ROLLUP_RETENTION_DAYS: int(400, 61),
  OPSDECK_SIMULATOR: bool(false),
  /** Demo traffic: searches per second run by the catalog simulator. */
  CATALOG_SIMULATOR_SEARCHES_PER_SECOND: z.coerce.number().positive().default(1),
});

export type CatalogSettings = z.infer<typeof schema>;

export function catalogSettings(): CatalogSettings {
  return envFor("catalog", schema);
}
