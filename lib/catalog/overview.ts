// The catalog tile on the overview: the zero-result rate against its SLO threshold (the rule
// CatalogZeroResultsRateHigh), "not enough searches" below the minimum sample.
import { pool } from "@/lib/platform/db";
import { plural, type OverviewTileSource } from "@/lib/platform/overview";
import { zeroResultsRate } from "./insights";

const THRESHOLD = 0.2;

export const catalogTile: OverviewTileSource = {
  area: "catalog",
  title: "Catalog search",
  href: "/catalog",
  async load() {
    const z = await zeroResultsRate(pool());
    const window = `${Math.round(z.window_seconds / 60)} min`;
    if (z.rate === null) return { status: "neutral", headline: "Not enough searches", detail: `${plural(z.searches, "search", "searches")} in ${window} (minimum ${z.min_sample_size})` };
    const percent = `${(z.rate * 100).toFixed(1)} %`;
    const detail = `${plural(z.zero_result_searches, "zero-result search", "zero-result searches")} of ${z.searches.toLocaleString("en")} in ${window}`;
    if (z.rate > THRESHOLD) return { status: "bad", headline: `${percent} without results`, detail: `above the ${THRESHOLD * 100} % objective · ${detail}` };
    return { status: "good", headline: `${percent} without results`, detail };
  },
};
