// The reconciliation tile on the overview: a growing queue or many claims ending missing first (the
// platforms' figures are not being checked), then overclaim alerts (risk), else the match rate.
import { plural, type OverviewTileSource } from "@/lib/platform/overview";
import { pool } from "@/lib/platform/db";
import { queueDepth, statusCounts } from "./stats";

export const reconciliationTile: OverviewTileSource = {
  area: "reconciliation",
  title: "Reconciliation",
  href: "/reconciliation",
  async load() {
    const [depth, c] = await Promise.all([queueDepth(pool()), statusCounts(pool(), 900)]);
    const detail = `${plural(c.total, "claim")} reconciled in 15 min · ${plural(depth, "claim")} waiting`;
    if (c.total === 0 && depth === 0) return { status: "neutral", headline: "No claims in 15 min", detail };
    const missingRatio = c.total ? c.missing / c.total : 0;
    if (depth >= 100) return { status: "bad", headline: `${plural(depth, "claim")} waiting`, detail };
    if (missingRatio >= 0.05) return { status: "bad", headline: `${Math.round(missingRatio * 100)} % missing`, detail: `${detail} · ${Object.entries(c.byMissingReason).map(([r, n]) => `${r} ${n}`).join(", ")}` };
    if (c.byStatus.overclaim > 0) return { status: "warn", headline: `${plural(c.byStatus.overclaim, "overclaim")} in 15 min`, detail };
    return { status: "good", headline: `${Math.round(((c.byStatus.matched ?? 0) / Math.max(1, c.total)) * 100)} % matched`, detail };
  },
};
