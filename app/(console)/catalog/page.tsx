import { Suspense } from "react";
import Link from "next/link";
import { ErrorNote, PageHeader, Skeleton, buttonClass } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { INSIGHT_WINDOWS, type InsightWindow } from "@/lib/catalog/insights";
import { NoClickQueries, SummaryTiles, TopQueries, TrendingQueries, ZeroRateChart, ZeroResultQueries } from "@/components/catalog/insights-widgets";
import { loadInsights, loadObservability, sloMaxZeroResultRate } from "./data";

export const metadata = { title: "Catalog search insights" };
export const dynamic = "force-dynamic";

const WINDOWS = Object.keys(INSIGHT_WINDOWS) as InsightWindow[];
type Widget = "tiles" | "chart" | "zero" | "trending" | "top" | "no-click";

/** One widget: reads the (request-cached) insights and hands them to its live client component. */
async function InsightsWidget({ window, widget }: { window: InsightWindow; widget: Widget }) {
  let initial;
  try {
    initial = await loadInsights(window);
  } catch (err) {
    return <ErrorNote>Could not read catalog insights from the database ({(err as Error).message}). Check /api/readyz.</ErrorNote>;
  }
  switch (widget) {
    case "tiles":
      return <SummaryTiles window={window} initial={initial} initialNow={await loadObservability()} />;
    case "chart":
      return <ZeroRateChart window={window} initial={initial} sloMaxRate={sloMaxZeroResultRate()} />;
    case "zero":
      return <ZeroResultQueries window={window} initial={initial} />;
    case "trending":
      return <TrendingQueries window={window} initial={initial} />;
    case "top":
      return <TopQueries window={window} initial={initial} />;
    case "no-click":
      return <NoClickQueries window={window} initial={initial} />;
  }
}

function Boundary({ window, widget, height = "h-64" }: { window: InsightWindow; widget: Widget; height?: string }) {
  return (
    <Suspense key={`${widget}-${window}`} fallback={<Skeleton className={height} />}>
      <InsightsWidget window={window} widget={widget} />
    </Suspense>
  );
}

export default async function CatalogInsightsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage("catalog", "/catalog");
  const raw = (await searchParams).window;
  const window: InsightWindow = typeof raw === "string" && (WINDOWS as string[]).includes(raw) ? (raw as InsightWindow) : "7d";
  const download = (format: string) => `/api/v1/catalog/insights/export?format=${format}&window=${window}`;
  return (
    <>
      <PageHeader
        title="Catalog search insights"
        description="What shoppers search for, what they do not find and what they click, live (refreshes every 15 s). Windows are whole UTC hours."
        actions={
          <>
            <nav aria-label="Insights window" className="flex gap-1 rounded-md border border-slate-200 p-0.5 dark:border-slate-700">
              {WINDOWS.map((w) => (
                <Link
                  key={w}
                  href={`/catalog?window=${w}`}
                  aria-current={w === window ? "page" : undefined}
                  className={`rounded px-2.5 py-1 text-sm ${w === window ? "bg-sky-700 text-white!" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
                >
                  {w}
                </Link>
              ))}
            </nav>
            <div role="group" aria-label="Download report" className="flex gap-1">
              <a className={buttonClass.secondary} href={download("md")} download>Markdown report</a>
              <a className={buttonClass.secondary} href={download("csv")} download>CSV</a>
              <a className={buttonClass.secondary} href={download("json")} download>JSON</a>
            </div>
          </>
        }
      />
      <div className="grid gap-4">
        <Boundary window={window} widget="tiles" height="h-24" />
        <Boundary window={window} widget="chart" />
        <div className="grid gap-4 lg:grid-cols-2">
          <Boundary window={window} widget="zero" />
          <Boundary window={window} widget="trending" />
        </div>
        <div className="grid gap-4 lg:grid-cols-2">
          <Boundary window={window} widget="top" />
          <Boundary window={window} widget="no-click" />
        </div>
      </div>
    </>
  );
}
