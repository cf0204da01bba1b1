import Link from "next/link";
import { Card, ErrorNote, Stat } from "@/components/ui";
import { pool } from "@/lib/platform/db";
import { zeroResultsRate } from "@/lib/catalog/insights";
import { servedInsights } from "@/lib/catalog/insight-snapshots";

const pct = (r: number | null) => (r === null ? "not enough searches" : `${(r * 100).toFixed(1)}%`);

/** The Overview's catalog card, for roles with the "catalog" permission: where merchandisers start. */
export async function CatalogSummary() {
  let now, day;
  try {
    [now, day] = await Promise.all([zeroResultsRate(pool()), servedInsights(pool(), "24h", 5)]);
  } catch (err) {
    return <ErrorNote>Could not read catalog figures ({(err as Error).message}).</ErrorNote>;
  }
  return (
    <Card title="Catalog search" action={<Link className="text-sm text-sky-700 underline dark:text-sky-400" href="/catalog">Open insights →</Link>}>
      <div className="grid gap-3 md:grid-cols-3">
        <Stat label="Zero-result rate now" value={pct(now.rate)} hint={`${now.searches} searches in the last ${Math.round(now.window_seconds / 60)} min`} tone={now.rate !== null && now.rate > 0.2 ? "bad" : undefined} />
        <Stat label="Searches (24h)" value={day.totals.searches.toLocaleString("en")} hint={`click-through ${pct(day.totals.ctr)}`} />
        <div className="rounded-lg border border-slate-200 p-4 text-sm dark:border-slate-800">
          <div className="text-xs uppercase tracking-wide text-slate-500">Top zero-result queries (24h)</div>
          <ul className="mt-1">
            {day.zero_result_queries.length === 0 ? <li className="text-slate-500">none</li> : null}
            {day.zero_result_queries.map((z) => (
              <li key={z.query} className="flex justify-between gap-2">
                <Link className="truncate text-sky-700 underline dark:text-sky-400" href={`/catalog/search?q=${encodeURIComponent(z.query)}`}>{z.query}</Link>
                <span className="tabular-nums text-slate-500">{z.zero_result_searches}</span>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </Card>
  );
}
