import Link from "next/link";
import { Suspense } from "react";
import { Card, Empty, ErrorNote, PageHeader, Skeleton, tableClass } from "@/components/ui";
import { LiveRefresh } from "@/components/dead-letters/live-refresh";
import { ms, time } from "@/components/telemetry/format";
import { requirePage } from "@/lib/platform/auth/identity";
import { telemetrySettings } from "@/lib/platform/telemetry/settings";
import { PERFORMANCE_WINDOWS, budgetOffenders, routeLatencies, slowQueryGroups, type PerformanceWindow } from "@/lib/platform/telemetry/performance";

export const metadata = { title: "Request performance" };
export const dynamic = "force-dynamic";

const PATH = "/performance";
const isWindow = (v: unknown): v is PerformanceWindow => typeof v === "string" && v in PERFORMANCE_WINDOWS;
const failed = (what: string, err: unknown) => (
  <ErrorNote>Could not load {what}: {(err as Error).message}. The page retries every 10 seconds.</ErrorNote>
);

async function SlowestRoutes({ window }: { window: PerformanceWindow }) {
  const rows = await routeLatencies(window).catch((err: unknown) => err as Error);
  if (rows instanceof Error) return failed("route latencies", rows);
  if (rows.length === 0) return <Empty>No requests in the last {window}.</Empty>;
  return (
    <table className={tableClass} data-testid="slowest-routes">
      <thead><tr><th>Route</th><th>Method</th><th className="text-right">Requests</th><th className="text-right">5xx</th><th className="text-right">p50</th><th className="text-right">p95</th><th className="text-right">p99</th><th className="text-right">Max</th></tr></thead>
      <tbody className="tabular-nums">
        {rows.map((r) => (
          <tr key={`${r.method} ${r.route}`}>
            <td className="font-mono text-xs"><Link className="text-sky-700 hover:underline" href={`/events?route=${encodeURIComponent(r.route)}&window=${window}`}>{r.route}</Link></td>
            <td>{r.method}</td>
            <td className="text-right">{r.requests.toLocaleString("en")}</td>
            <td className={`text-right ${r.errors5xx ? "font-semibold text-rose-600" : ""}`}>{r.errors5xx.toLocaleString("en")}</td>
            <td className="text-right">{ms(r.p50Ms)}</td>
            <td className={`text-right ${(r.p95Ms ?? 0) > 1000 ? "font-semibold text-amber-600" : ""}`}>{ms(r.p95Ms)}</td>
            <td className="text-right">{ms(r.p99Ms)}</td>
            <td className="text-right">{ms(r.maxMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

async function SlowQueries({ window }: { window: PerformanceWindow }) {
  const rows = await slowQueryGroups(window).catch((err: unknown) => err as Error);
  if (rows instanceof Error) return failed("slow queries", rows);
  if (rows.length === 0) return <Empty>No query slower than {telemetrySettings().SLOW_QUERY_THRESHOLD_MS} ms in the last {window}.</Empty>;
  return (
    <table className={tableClass} data-testid="slow-queries">
      <thead><tr><th>Statement (normalised)</th><th className="text-right">Count</th><th className="text-right">Worst</th><th className="text-right">Average</th><th>Routes</th><th>Last</th></tr></thead>
      <tbody className="tabular-nums">
        {rows.map((r) => (
          <tr key={r.sql}>
            <td className="max-w-xl"><code className="line-clamp-3 break-all text-xs">{r.sql}</code></td>
            <td className="text-right">{r.count}</td>
            <td className="text-right">
              {r.worstRequestId ? <Link className="text-sky-700 hover:underline" href={`/events?request_id=${encodeURIComponent(r.worstRequestId)}`}>{ms(r.worstMs)}</Link> : ms(r.worstMs)}
            </td>
            <td className="text-right">{ms(r.avgMs)}</td>
            <td className="font-mono text-xs">{r.routes.join(", ") || "background"}</td>
            <td>{time(r.lastAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

async function BudgetOffenders({ window }: { window: PerformanceWindow }) {
  const rows = await budgetOffenders(window).catch((err: unknown) => err as Error);
  if (rows instanceof Error) return failed("query-budget offenders", rows);
  if (rows.length === 0) return <Empty>No request ran more than {telemetrySettings().MAX_QUERIES_PER_REQUEST} queries in the last {window}.</Empty>;
  return (
    <table className={tableClass} data-testid="budget-offenders">
      <thead><tr><th>Route</th><th className="text-right">Requests over budget</th><th className="text-right">Most queries</th><th>Last</th></tr></thead>
      <tbody className="tabular-nums">
        {rows.map((r) => (
          <tr key={r.route}>
            <td className="font-mono text-xs"><Link className="text-sky-700 hover:underline" href={`/events?name=database.query_budget_exceeded&route=${encodeURIComponent(r.route)}`}>{r.route}</Link></td>
            <td className="text-right">{r.count}</td>
            <td className="text-right">{r.maxQueries}</td>
            <td>{time(r.lastAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function PerformancePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage("read", PATH);
  const raw = (await searchParams).window;
  const window: PerformanceWindow = isWindow(raw) ? raw : "1h";
  const s = telemetrySettings();
  return (
    <>
      <LiveRefresh active everyMs={10_000} />
      <PageHeader
        title="Request performance"
        description={`The console API's slowest routes, slow queries (over ${s.SLOW_QUERY_THRESHOLD_MS} ms) and requests over the query budget (${s.MAX_QUERIES_PER_REQUEST} queries), every instance. Refreshes every 10 s.`}
        actions={
          <nav className="flex gap-1 text-sm" aria-label="Window">
            {Object.keys(PERFORMANCE_WINDOWS).map((w) => (
              <Link key={w} href={`${PATH}?window=${w}`} aria-current={w === window ? "page" : undefined} className={`rounded px-2 py-1 ${w === window ? "bg-sky-700 text-white" : "text-sky-700 hover:bg-slate-100 dark:hover:bg-slate-800"}`}>{w}</Link>
            ))}
          </nav>
        }
      />
      {raw !== undefined && !isWindow(raw) ? <ErrorNote>Unknown window “{String(raw)}”; showing the last hour. Pick 15m, 1h, 6h or 24h.</ErrorNote> : null}
      <div className="grid gap-4">
        <Card title={`Slowest routes (last ${window}, by p95)`}>
          <Suspense fallback={<Skeleton className="h-48" />}><SlowestRoutes window={window} /></Suspense>
        </Card>
        <Card title={`Slow queries (last ${window}, grouped by statement)`}>
          <Suspense fallback={<Skeleton className="h-32" />}><SlowQueries window={window} /></Suspense>
        </Card>
        <Card title={`Query-budget offenders (last ${window})`}>
          <Suspense fallback={<Skeleton className="h-24" />}><BudgetOffenders window={window} /></Suspense>
        </Card>
      </div>
    </>
  );
}
