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
  const tick = (t: string) => new Date(t).toLocaleString([], window === "30d" ? { month: "short", day: "numeric" } : { weekday: window === "7d" ? "short" : undefined, hour: "2-digit", minute: "2-digit" });
  return (
    <Card title={`Zero-result rate per ${window === "30d" ? "day" : "hour"} (SLO line at ${pct(sloMaxRate)})`}>
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
                  <Line type="monotone" dataKey="zero_result_rate" stroke="#0369a1" dot={false} connectNulls isAnimationActive={false} />
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

function QueryTable<R extends QueryRow>({ rows, empty, head, cells, testId }: { rows: R[]; empty: string; head: string[]; cells: (r: R) => ReactNode; testId: string }) {
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div className="overflow-x-auto">
      <table className={tableClass} data-testid={testId}>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={h} className={i === 0 ? undefined : "text-right"}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody className="tabular-nums">
          {rows.map((r) => (
            <tr key={r.query}>{cells(r)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ZeroResultQueries({ window, initial }: { window: string; initial: Insights }) {
  const q = useInsights(window, initial);
  return (
    <Card title="Zero-result queries" action={<span className="text-xs text-slate-500">add products, synonyms or redirects</span>}>
      <Live q={q}>
        {(d) => (
          <QueryTable
            testId="zero-result-queries"
            rows={d.zero_result_queries}
            empty="Every search found something in this window."
            head={["Query", "Zero-result searches", "Last searched", ""]}
            cells={(r) => (
              <>
                <QueryCell query={r.query} />
                <td className="text-right">{fmt.format(r.zero_result_searches)}</td>
                <td className="text-right">{when(r.last_seen)}</td>
                <td className="text-right">
                  <Link className="text-sky-700 underline dark:text-sky-400" href={tryIt(r.query)} aria-label={`Try the search "${r.query}"`}>
                    try it
                  </Link>
                </td>
              </>
            )}
          />
        )}
      </Live>
    </Card>
  );
}

export function TrendingQueries({ window, initial }: { window: string; initial: Insights }) {
  const q = useInsights(window, initial);
  return (
    <Card title="Trending queries" action={<span className="text-xs text-slate-500">vs the previous {window}</span>}>
      <Live q={q}>
        {(d) => (
          <QueryTable
            testId="trending-queries"
            rows={d.trending}
            empty="No query rose against the previous window."
            head={["Query", "Searches", "Previous", "Change"]}
            cells={(r) => (
              <>
                <QueryCell query={r.query} />
                <td className="text-right">{fmt.format(r.searches)}</td>
                <td className="text-right">{fmt.format(r.previous_searches)}</td>
                <td className="text-right text-emerald-700 dark:text-emerald-400">
                  +{fmt.format(r.rise)}
                  {r.growth === null ? " new" : ` ×${r.growth}`}
                </td>
              </>
            )}
          />
        )}
      </Live>
    </Card>
  );
}

export function TopQueries({ window, initial }: { window: string; initial: Insights }) {
  const q = useInsights(window, initial);
  return (
    <Card title="Top queries: click-through and click position">
      <Live q={q}>
        {(d) => (
          <QueryTable
            testId="top-queries"
            rows={d.top_queries}
            empty="No searches in this window yet."
            head={["Query", "Searches", "CTR", "Avg. click position", "Zero results"]}
            cells={(r) => (
              <>
                <QueryCell query={r.query} />
                <td className="text-right">{fmt.format(r.searches)}</td>
                <td className="text-right">{pct(r.ctr)}</td>
                <td className="text-right">{r.avg_click_position?.toFixed(2) ?? "—"}</td>
                <td className="text-right">{fmt.format(r.zero_result_searches)}</td>
              </>
            )}
          />
        )}
      </Live>
    </Card>
  );
}

export function NoClickQueries({ window, initial }: { window: string; initial: Insights }) {
  const q = useInsights(window, initial);
  return (
    <Card title="Searches without clicks" action={<span className="text-xs text-slate-500">results shown, none clicked</span>}>
      <Live q={q}>
        {(d) => (
          <QueryTable
            testId="no-click-queries"
            rows={d.no_click_queries}
            empty="Every search with results got a click."
            head={["Query", "With results", "Without a click", "CTR", ""]}
            cells={(r) => (
              <>
                <QueryCell query={r.query} />
                <td className="text-right">{fmt.format(r.searches - r.zero_result_searches)}</td>
                <td className="text-right">{fmt.format(r.searches_without_clicks)}</td>
                <td className="text-right">{pct(r.ctr)}</td>
                <td className="text-right">
                  <Link className="text-sky-700 underline dark:text-sky-400" href={tryIt(r.query)}>
                    try it
                  </Link>
                </td>
              </>
            )}
          />
        )}
      </Live>
    </Card>
  );
}
