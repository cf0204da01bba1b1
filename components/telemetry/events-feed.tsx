"use client";
// The events list. With the live tail on, asks every 3 s for events newer than the newest shown
// (`after`) and puts them on top; the list keeps its scroll position and shows at most 500 rows.
import Link from "next/link";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { Badge, Empty, ErrorNote, tableClass } from "@/components/ui";
import type { EventRow } from "@/lib/platform/telemetry/event-queries";
import { ms, severityTone, time } from "./format";

const MAX_ROWS = 500;

function Tags({ tags }: { tags: EventRow["tags"] }) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return null;
  return <span className="text-xs text-slate-500">{entries.map(([k, v]) => `${k}=${v}`).join(" ")}</span>;
}

export function EventsFeed({ initial, query, tail }: { initial: EventRow[]; query: string; tail: boolean }) {
  const client = useQueryClient();
  const key = ["events-tail", query];
  // Each poll asks only for what is newer than the newest row held, and merges it on top.
  const q = useQuery({
    queryKey: key,
    queryFn: async () => {
      const cur = client.getQueryData<EventRow[]>(key) ?? initial;
      const { events } = await api<{ events: EventRow[] }>(`/api/v1/events?${query}${query ? "&" : ""}after=${cur[0]?.id ?? "0"}&limit=200`);
      return [...events, ...cur].slice(0, MAX_ROWS);
    },
    initialData: initial,
    enabled: tail,
    refetchInterval: 3_000,
  });
  const rows = q.data;

  return (
    <div>
      {tail ? (
        <p className="mb-2 text-xs text-slate-500" aria-live="polite">
          Live tail: new events appear on top every 3 s{q.isError ? ` — last refresh failed (${(q.error as Error).message}), retrying` : ""}.
        </p>
      ) : null}
      {q.isError && !tail ? <ErrorNote>{(q.error as Error).message}</ErrorNote> : null}
      {rows.length === 0 ? (
        <Empty>No event matches these filters in this window. Widen the window or clear a filter.</Empty>
      ) : (
        <table className={tableClass} data-testid="events-table">
          <thead><tr><th>Time</th><th>Event</th><th>Severity</th><th>Route</th><th className="text-right">Duration</th><th>Detail</th><th>Trace</th></tr></thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id} data-event={e.name}>
                <td className="whitespace-nowrap tabular-nums" title={e.at}>{time(e.at)}</td>
                <td className="font-mono text-xs">{e.name}</td>
                <td><Badge tone={severityTone(e.severity)}>{e.severity}</Badge></td>
                <td className="font-mono text-xs">{e.route ?? "—"}</td>
                <td className="text-right tabular-nums">{ms(e.durationMs)}</td>
                <td className="max-w-md">
                  {e.detail ? <code className="line-clamp-2 break-all text-xs">{e.detail}</code> : null}
                  <Tags tags={e.tags} />
                </td>
                <td className="whitespace-nowrap text-xs">
                  {e.traceId ? (
                    <Link className="text-sky-700 hover:underline" href={`/traces/${e.traceId}`}>waterfall</Link>
                  ) : e.requestId ? (
                    <Link className="text-sky-700 hover:underline" href={`/events?request_id=${encodeURIComponent(e.requestId)}&window=72h`} title={e.requestId}>request</Link>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
