// The alerts tile: what is firing, by severity.
import { plural, type OverviewTileSource } from "@/lib/platform/overview";
import { openAlerts } from "./queries";

export const alertsTile: OverviewTileSource = {
  area: "alerts",
  title: "Alerts",
  href: "/alerts",
  async load() {
    const open = await openAlerts();
    const firing = open.filter((a) => a.state === "firing" && a.silencedBy.length === 0);
    const critical = firing.filter((a) => a.severity === "critical").length;
    const pending = open.filter((a) => a.state === "pending").length;
    const broken = open.filter((a) => a.state === "nodata" || a.state === "error").length;
    const detail = [`${pending} pending`, broken ? `${broken} without data or failing` : null].filter(Boolean).join(" · ");
    if (critical) return { status: "bad", headline: `${plural(firing.length, "alert")} firing (${critical} critical)`, detail };
    if (firing.length) return { status: "warn", headline: `${plural(firing.length, "alert")} firing`, detail };
    return { status: "good", headline: "Nothing firing", detail };
  },
};
