import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, Card, PageHeader, tableClass } from "@/components/ui";
import { SloSummary } from "@/components/slo/slo-summary";
import { SloHistoryChart } from "@/components/slo/history-chart";
import { burn, burnMeaning, pct } from "@/components/slo/format";
import { requirePage } from "@/lib/platform/auth/identity";
import { pool } from "@/lib/platform/db";
import { findSlo } from "@/lib/slo/definitions";
import { sloDetail } from "@/lib/slo/detail";
import { SLI_QUERIES } from "@/lib/slo/slis";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return { title: findSlo(name)?.displayName ?? "SLO" };
}

export default async function SloPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  await requirePage("read", `/slos/${name}`);
  const slo = findSlo(name);
  if (!slo) notFound();
  const detail = await sloDetail(pool(), slo, new Date());
  const { status } = detail;
  return (
    <>
      <PageHeader
        title={slo.displayName}
        description={
          <>
            <Link href="/slos" className="text-sky-700 hover:underline">
              SLOs
            </Link>{" "}
            · {slo.description}
          </>
        }
      />
      <div className="grid gap-4">
        <SloSummary status={status} link={false} />
        <Card title={`History over the last ${status.window}`}>
          <SloHistoryChart points={detail.history} target={status.target} />
          <p className="mt-2 text-xs text-slate-500">
            Blue area: error budget left as the window filled up, day by day (below the red line = overspent). Green line: that day’s success ratio; dashed
            green: the target.
          </p>
        </Card>
        <Card title="Burn rate per window">
          <table className={tableClass}>
            <thead>
              <tr>
                <th>Window</th>
                <th className="text-right">Events</th>
                <th className="text-right">Failed</th>
                <th className="text-right">Burn rate</th>
                <th>Meaning</th>
              </tr>
            </thead>
            <tbody>
              {status.burnRates.map((b) => (
                <tr key={b.window}>
                  <td>last {b.window}</td>
                  <td className="text-right tabular-nums">{b.total.toLocaleString()}</td>
                  <td className="text-right tabular-nums">{(b.total - b.good).toLocaleString()}</td>
                  <td className="text-right tabular-nums">{burn(b.burnRate)}</td>
                  <td className="text-slate-600 dark:text-slate-400">{burnMeaning(b.burnRate, status.window)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="Burn-rate alerts">
          <table className={tableClass}>
            <thead>
              <tr>
                <th>Alert</th>
                <th>Kind</th>
                <th>Windows</th>
                <th className="text-right">Fires above</th>
                <th className="text-right">Long-window burn</th>
                <th>Condition now</th>
              </tr>
            </thead>
            <tbody>
              {detail.alerts.map((a) => (
                <tr key={a.rule}>
                  <td>
                    <Link href={`/runbooks/${a.runbook}`} className="text-sky-700 hover:underline">
                      {a.rule}
                    </Link>
                  </td>
                  <td>{a.severity === "critical" ? <Badge tone="bad">page</Badge> : <Badge tone="warn">ticket</Badge>}</td>
                  <td>
                    {a.longWindow} and {a.shortWindow}
                  </td>
                  <td className="text-right tabular-nums">
                    {a.factor}× <span className="text-xs text-slate-500">({a.budgetPercent}% of budget in {a.longWindow})</span>
                  </td>
                  <td className="text-right tabular-nums">{burn(a.longBurnRate)}</td>
                  <td>{a.conditionMet ? <Badge tone="bad">met</Badge> : <Badge tone="good">not met</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-2 text-xs text-slate-500">
            An alert needs both windows above the factor and at least {detail.minEvents} events in the long window. A page suppresses the ticket of the
            same SLO. Live alert states (pending, firing, acknowledged) are on the{" "}
            <Link href="/alerts" className="text-sky-700 hover:underline">
              alerts page
            </Link>
            .
          </p>
        </Card>
        <Card title="How it is measured">
          <dl className="grid gap-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-500">Good events</dt>
            <dd>
              {SLI_QUERIES[detail.definition.good.query].description}
              {detail.definition.good.thresholdSeconds !== null ? ` (threshold ${detail.definition.good.thresholdSeconds} s)` : ""}
            </dd>
            <dt className="text-slate-500">All events</dt>
            <dd>{SLI_QUERIES[detail.definition.total.query].description}</dd>
            <dt className="text-slate-500">Target</dt>
            <dd>
              {pct(status.target)} over a rolling {status.window} — error budget {pct(1 - status.target)}
            </dd>
            <dt className="text-slate-500">Definition</dt>
            <dd>
              <code>slo/{slo.name}.yaml</code> (OpenSLO v1)
            </dd>
          </dl>
        </Card>
      </div>
    </>
  );
}
