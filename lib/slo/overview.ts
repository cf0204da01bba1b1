// The SLO tile: the worst SLO first, in the words of its status headline.
import { pool } from "@/lib/platform/db";
import type { OverviewTileSource, TileStatus } from "@/lib/platform/overview";
import { loadSlos } from "./definitions";
import { cachedStatus, type SloHealth } from "./status";

const RANK: Record<SloHealth, number> = { exhausted: 0, at_risk: 1, burning: 2, no_data: 3, healthy: 4 };
const STATUS: Record<SloHealth, TileStatus> = { exhausted: "bad", at_risk: "bad", burning: "warn", no_data: "neutral", healthy: "good" };

export const sloTile: OverviewTileSource = {
  area: "slos",
  title: "SLOs",
  href: "/slos",
  async load() {
    const now = new Date();
    const statuses = await Promise.all(loadSlos().map((slo) => cachedStatus(pool(), slo, now)));
    if (statuses.length === 0) return { status: "neutral", headline: "No SLOs defined", detail: "Add one in slo/*.yaml" };
    const worst = [...statuses].sort((a, b) => RANK[a.health] - RANK[b.health])[0];
    const healthy = statuses.filter((s) => s.health === "healthy").length;
    if (worst.health === "healthy") return { status: "good", headline: `${healthy} of ${statuses.length} healthy`, detail: "Every error budget on course" };
    return { status: STATUS[worst.health], headline: `${worst.displayName}: ${worst.health.replace("_", " ")}`, detail: `${healthy} of ${statuses.length} healthy · ${worst.headline}` };
  },
};
