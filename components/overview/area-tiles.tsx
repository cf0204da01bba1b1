"use client";
// One tile per area, refreshed every 5 s. Each tile has a fixed height and one-line texts, so a
// refresh changes colours and figures, never the layout.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { Badge } from "@/components/ui";
import type { OverviewTile } from "@/lib/platform/overview";
import type { OverviewTilesData } from "@/lib/platform/overview-data";

const BORDER: Record<OverviewTile["status"], string> = {
  good: "border-l-emerald-500",
  warn: "border-l-amber-500",
  bad: "border-l-rose-600",
  neutral: "border-l-slate-300 dark:border-l-slate-700",
};
const WORD: Record<OverviewTile["status"], string> = { good: "ok", warn: "look", bad: "act", neutral: "no data" };

export const TILE_CLASS = "h-28 rounded-lg border border-l-4 border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900";

export function AreaTiles({ initial }: { initial: OverviewTilesData }) {
  const q = useQuery({
    queryKey: ["overview", "tiles"],
    queryFn: () => api<OverviewTilesData>("/api/v1/overview?part=tiles"),
    initialData: initial,
    refetchInterval: 5_000,
  });
  const stale = q.isError;
  return (
    <div>
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4" data-testid="area-tiles">
        {q.data.tiles.map((t) => (
          <Link key={t.area} href={t.href} className={`${TILE_CLASS} ${BORDER[t.status]} block hover:bg-slate-50 dark:hover:bg-slate-800`} data-testid={`tile-${t.area}`} data-status={t.status}>
            <div className="flex items-center justify-between gap-2">
              <span className="text-sm font-semibold text-slate-700 dark:text-slate-300">{t.title}</span>
              <Badge tone={t.status}>{WORD[t.status]}</Badge>
            </div>
            <div className="mt-2 truncate text-lg font-semibold tabular-nums" title={t.headline}>{t.headline}</div>
            <div className="mt-1 truncate text-xs text-slate-500" title={t.detail}>{t.detail}</div>
          </Link>
        ))}
      </div>
      <p className="mt-1 h-4 text-xs text-slate-500">
        {stale ? `Refresh failed (${(q.error as Error).message}); showing figures from ${new Date(q.data.at).toLocaleTimeString()}. Retrying every 5 s.` : `Updated ${new Date(q.data.at).toLocaleTimeString()} · every 5 s`}
      </p>
    </div>
  );
}
