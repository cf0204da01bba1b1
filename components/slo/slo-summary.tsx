// One SLO in plain language: the headline sentence and the four figures a stakeholder asks for.
import Link from "next/link";
import { Badge, Card, Stat } from "@/components/ui";
import type { HistoryPoint, SloStatus } from "@/lib/slo/status";
import { HEALTH_LABEL, HEALTH_TONE, burn, pct, when } from "./format";
import { SloHistoryChart } from "./history-chart";

export function SloSummary({ status, history, link = true }: { status: SloStatus; history?: HistoryPoint[]; link?: boolean }) {
  const now = new Date(status.computedAt);
  const burn1h = status.burnRates.find((b) => b.window === "1h")?.burnRate ?? null;
  const budgetTone = status.errorBudgetRemaining <= 0 ? "bad" : status.errorBudgetRemaining < 0.25 ? "warn" : undefined;
  const title = link ? (
    <Link href={`/slos/${status.name}`} className="hover:underline">
      {status.displayName}
    </Link>
  ) : (
    status.displayName
  );
  return (
    <section aria-label={status.displayName}>
      <Card title={title} action={<Badge tone={HEALTH_TONE[status.health]}>{HEALTH_LABEL[status.health]}</Badge>}>
        <p className="mb-1 text-base font-medium" data-testid="slo-headline">
          {status.headline}
        </p>
        <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
          Promise: {status.objective}, measured over the last {status.window}. {status.total.toLocaleString()} events counted,{" "}
          {(status.total - status.good).toLocaleString()} of them failed it.
        </p>
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <Stat label="Success now" value={pct(status.sli)} hint={`target ${pct(status.target)}`} tone={status.sli !== null && status.sli < status.target ? "bad" : undefined} />
          <Stat label="Error budget left" value={pct(status.errorBudgetRemaining, 1)} hint={`of this ${status.window} window`} tone={budgetTone} />
          <Stat label="Burn rate (last hour)" value={burn(burn1h)} hint="1× = budget lasts the window" tone={burn1h !== null && burn1h > 1 ? "warn" : undefined} />
          <Stat label="Budget runs out" value={<span className="text-base">{when(status.projectedExhaustion, now)}</span>} hint="if the last hour's rate holds" />
        </div>
        {history ? (
          <div className="mt-4">
            <SloHistoryChart points={history} target={status.target} compact />
          </div>
        ) : null}
      </Card>
    </section>
  );
}
