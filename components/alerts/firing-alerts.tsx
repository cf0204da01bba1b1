"use client";
// Overview widget: what is firing right now, first thing on the overview page.
import Link from "next/link";
import { Badge, Card } from "@/components/ui";
import { OpenAlertsTable, useAlerts } from "./open-alerts-table";

export function FiringAlerts() {
  const q = useAlerts();
  const open = q.data?.open ?? [];
  const firing = open.filter((a) => a.state === "firing").length;
  // No-data and error states matter to whoever maintains the rules, not first thing to on-call.
  const other = open.filter((a) => a.state === "nodata" || a.state === "error").length;
  return (
    <Card
      title="Alerts"
      action={
        <div className="flex items-center gap-2">
          <Badge tone={firing ? "bad" : q.data ? "good" : "neutral"}>{q.data ? (firing ? `${firing} firing` : "none firing") : "…"}</Badge>
          <Link className="text-sm text-sky-700 hover:underline" href="/alerts">All alerts</Link>
        </div>
      }
    >
      {/* A fixed height (scrolling inside): a new firing alert never pushes the tiles below it. */}
      <div className="h-64 overflow-y-auto" data-testid="firing-alerts">
        <OpenAlertsTable limit={8} states={["firing", "pending"]} />
      </div>
      <p className="mt-2 h-4 text-xs text-slate-500">
        {other ? (
          <>
            {other} rule(s) have no data or fail to evaluate; see <Link className="text-sky-700 hover:underline" href="/alerts">Alerts</Link>.
          </>
        ) : null}
      </p>
    </Card>
  );
}
