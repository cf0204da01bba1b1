"use client";
// Overview widget: what is firing right now, first thing on the overview page.
import Link from "next/link";
import { Badge, Card } from "@/components/ui";
import { OpenAlertsTable, useAlerts } from "./open-alerts-table";

export function FiringAlerts() {
  const q = useAlerts();
  const open = q.data?.open ?? [];
  const firing = open.filter((a) => a.state === "firing").length;
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
      <OpenAlertsTable limit={8} />
    </Card>
  );
}
