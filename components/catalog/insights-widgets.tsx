"use client";
// The merchandiser's live insights widgets. Each widget is rendered by its own server component
// (own Suspense boundary) with server data for the first paint; all of them share one react-query
// entry per window, so the page polls /api/v1/catalog/insights once every 15 s, not once per widget.
import Link from "next/link";
import type { ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api } from "@/components/api-client";
import { Card, Empty, ErrorNote, Stat, tableClass } from "@/components/ui";
import type { Insights, QueryRow, ZeroResults } from "@/lib/catalog/insights";

const REFRESH_MS = 15_000;
const fmt = new Intl.NumberFormat("en");
const pct = (r: number | null | undefined) => (r === null || r === undefined ? "—" : `${(r * 100).toFixed(1)}%`);
const when = (iso: string) => new Date(iso).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

function useInsights(window: string, initial: Insights) {
  return useQuery({
    queryKey: ["catalog-insights", window],
    queryFn: () => api<Insights>(`/api/v1/catalog/insights?window=${encodeURIComponent(window)}`),
    initialData: initial.window === window ? initial : undefined,
    refetchInterval: REFRESH_MS,
  });
}

/** Shows the last good data with a note when a refresh fails. */
function Live({ q, children }: { q: ReturnType<typeof useInsights>; children: (d: Insights) => ReactNode }) {
  if (!q.data) return <ErrorNote>{q.error ? `Could not load insights: ${q.error.message}` : "Loading…"}</ErrorNote>;
  return (
    <>
      {q.error ? <ErrorNote>Refresh failed ({q.error.message}); showing data from {new Date(q.data.generated_at).toLocaleTimeString()}.</ErrorNote> : null}
      {children(q.data)}
    </>
  );
}

const tryIt = (query: string) => `/catalog/search?q=${encodeURIComponent(query)}`;

export function SummaryTiles({ window, initial, initialNow }: { window: string; initial: Insights; initialNow: { zero_results: ZeroResults } }) {
  const q = useInsights(window, initial);
  const now = useQuery({
    queryKey: ["catalog-observability"],
    queryFn: () => api<{ zero_results: ZeroResults }>("/api/v1/catalog/observability"),
    initialData: initialNow,
    refetchInterval: REFRESH_MS,
  });
  const z = now.data.zero_results;
  return (
    <Live q={q}>
      {(d) => (
        <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5" data-testid="catalog-tiles">
          <Stat
            label="Zero-result rate now"
            value={z.rate === null ? "not enough searches" : pct(z.rate)}
            hint={`${fmt.format(z.searches)} searches in the last ${Math.round(z.window_seconds / 60)} min (min. ${z.min_sample_size})`}
            tone={z.rate !== null && z.rate > 0.2 ? "bad" : undefined}
          />
          <Stat label={`Searches (${d.window})`} value={fmt.format(d.totals.searches)} hint={`${fmt.format(d.totals.distinct_queries)} distinct queries`} />
          <Stat label={`Zero-result rate (${d.window})`} value={pct(d.totals.zero_result_rate)} hint={`${fmt.format(d.totals.zero_result_searches)} searches found nothing`} tone={(d.totals.zero_result_rate ?? 0) > 0.2 ? "warn" : undefined} />
          <Stat label="Click-through rate" value={pct(d.totals.ctr)} hint="clicked / searches with results" />
          <Stat label="Searches without clicks" value={fmt.format(d.totals.searches_without_clicks)} hint="results shown, nothing clicked" />
        </div>
      )}
    </Live>
  );
}

export function ZeroRateChart({ window, initial, sloMaxRate }: { window: string; initial: Insights; sloMaxRate: number }) {
  const q = useInsights(window, initial);
  const daily = window !== "24h";
  const tick = (t: string) => new Date(t).toLocaleString([], daily ? { month: "short", day: "numeric" } : { hour: "2-digit", minute: "2-digit" });
  return (
    <Card title={`Zero-result rate per ${daily ? "day" : "hour"} (SLO line at ${pct(sloMaxRate)})`}>
      <Live q={q}>
        {(d) =>
          d.series.length === 0 ? (
            <Empty>No searches in this window yet.</Empty>
          ) : (
            <div className="h-60" aria-label="Zero-result rate chart">
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={d.series}>
                  <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
                  <XAxis dataKey="t" tickFormatter={tick} minTickGap={40} fontSize={11} />
                  <YAxis fontSize={11} width={48} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} domain={[0, (max: number) => Math.max(max, sloMaxRate * 1.5)]} />
                  <Tooltip labelFormatter={(l) => new Date(String(l)).toLocaleString()} formatter={(v, name) => (name === "zero_result_rate" ? [pct(Number(v)), "zero-result rate"] : [fmt.format(Number(v)), String(name)])} />
                  <ReferenceLine y={sloMaxRate} stroke="#e11d48" strokeDasharray="6 4" label={{ value: `SLO ${pct(sloMaxRate)}`, position: "insideTopRight", fontSize: 11, fill: "#e11d48" }} />
                  <Line type="monotone" dataKey="zero_result_rate" stroke="#0369a1" dot={daily} connectNulls isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </div>
          )
        }
      </Live>
    </Card>
  );
}

function QueryCell({ query }: { query: string }) {
  return <td className="max-w-xs truncate font-medium" title={query}>{query}</td>;
}

function TryIt({ query }: { query: string }) {
  return (
    <td className="text-right">
      <Link className="text-sky-700 underline dark:text-sky-400" href={tryIt(query)} aria-label={`Try the search "${query}"`}>
        try it
      </Link>
    </td>
  );
}

const num = (n: number) => <td className="text-right">{fmt.format(n)}</td>;

interface TableSpec<R extends QueryRow> {
  title: string;
  note?: string;
  testId: string;
  rows: (d: Insights) => R[];
  empty: string;
  head: string[];
  cells: (r: R) => ReactNode;
}

/** One live insights table: card, refresh state, header, one row per query. */
function InsightsTable<R extends QueryRow>({ window, initial, spec }: { window: string; initial: Insights; spec: TableSpec<R> }) {
  const q = useInsights(window, initial);
  return (
    <Card title={spec.title} action={spec.note ? <span className="text-xs text-slate-500">{spec.note}</span> : undefined}>
      <Live q={q}>
        {(d) => {
          const rows = spec.rows(d);
          if (rows.length === 0) return <Empty>{spec.empty}</Empty>;
          return (
            <div className="overflow-x-auto">
              <table className={tableClass} data-testid={spec.testId}>
                <thead>
                  <tr>
                    {spec.head.map((h, i) => (
                      <th key={h || i} className={i === 0 ? undefined : "text-right"}>{h}</th>
                    ))}
                  </tr>
                </thead>
                <tbody className="tabular-nums">
                  {rows.map((r) => (
                    <tr key={r.query}>
                      <QueryCell query={r.query} />
                      {spec.cells(r)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </Live>
    </Card>
  );
}

type WidgetProps = { window: string; initial: Insights };

export function ZeroResultQueries(props: WidgetProps) {
  return (
    <InsightsTable
      {...props}
      spec={{
        title: "Zero-result queries",
        note: "add products, synonyms or redirects",
        testId: "zero-result-queries",
        rows: (d) => d.zero_result_queries,
        empty: "Every search found something in this window.",
        head: ["Query", "Zero-result searches", "Last searched", ""],
        cells: (r) => (
          <>
            {num(r.zero_result_searches)}
            <td className="text-right">{when(r.last_seen)}</td>
            <TryIt query={r.query} />
          </>
        ),
      }}
    />
  );
}

export function TrendingQueries(props: WidgetProps) {
  return (
    <InsightsTable
      {...props}
      spec={{
        title: "Trending queries",
        note: `vs the previous ${props.window}`,
        testId: "trending-queries",
        rows: (d) => d.trending,
        empty: "No query rose against the previous window.",
        head: ["Query", "Searches", "Previous", "Change"],
        cells: (r) => (
          <>
            {num(r.searches)}
            {num(r.previous_searches)}
            <td className="text-right text-emerald-700 dark:text-emerald-400">
              +{fmt.format(r.rise)}
              {r.growth === null ? " new" : ` ×${r.growth}`}
            </td>
          </>
        ),
      }}
    />
  );
}

export function TopQueries(props: WidgetProps) {
  return (
    <InsightsTable
      {...props}
      spec={{
        title: "Top queries: click-through and click position",
        testId: "top-queries",
        rows: (d) => d.top_queries,
        empty: "No searches in this window yet.",
        head: ["Query", "Searches", "CTR", "Avg. click position", "Zero results"],
        cells: (r) => (
          <>
            {num(r.searches)}
            <td className="text-right">{pct(r.ctr)}</td>
            <td className="text-right">{r.avg_click_position?.toFixed(2) ?? "—"}</td>
            {num(r.zero_result_searches)}
          </>
        ),
      }}
    />
  );
}

export function NoClickQueries(props: WidgetProps) {
  return (
    <InsightsTable
      {...props}
      spec={{
        title: "Searches without clicks",
        note: "results shown, none clicked",
        testId: "no-click-queries",
        rows: (d) => d.no_click_queries,
        empty: "Every search with results got a click.",
        head: ["Query", "With results", "Without a click", "CTR", ""],
        cells: (r) => (
          <>
            {num(r.searches - r.zero_result_searches)}
            {num(r.searches_without_clicks)}
            <td className="text-right">{pct(r.ctr)}</td>
            <TryIt query={r.query} />
          </>
        ),
      }}
    />
  );
}
