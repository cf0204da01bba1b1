"use client";
// The webhook event log, filtered by type and outcome (the filter lives in the URL, so a link
// reproduces the view), refreshed every 5 s. A failed event links to its dead letter; operators
// can retry it from here (the same endpoint as the dead-letter console); viewers see no buttons.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { ApiActionButton } from "@/components/api-action-button";
import { Badge, Card, Empty, ErrorNote, tableClass, type Tone } from "@/components/ui";
import type { WebhookEventPage } from "./types";

const outcomeTone: Record<string, Tone> = { processed: "good", queued: "info", failed: "bad", ignored: "neutral" };

export function WebhookEventLog({ query, initial, canOperate }: { query: string; initial: WebhookEventPage; canOperate: boolean }) {
  const q = useQuery({
    queryKey: ["payments-events", query],
    queryFn: () => api<WebhookEventPage>(`/api/v1/payments/events?${query}`),
    initialData: initial,
    refetchInterval: 5_000,
  });
  const rows = q.data?.events ?? [];
  return (
    <Card title="Webhook events" action={<span className="text-xs text-slate-500">newest first · refreshes every 5 s</span>}>
      {q.error ? <ErrorNote>Refresh failed ({q.error.message}); retrying every 5 s.</ErrorNote> : null}
      {rows.length === 0 ? (
        <Empty>No webhook event matches this filter.</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <thead>
              <tr><th>Received</th><th>Type</th><th>Event id</th><th>Outcome</th><th className="text-right">Deliveries</th><th>Order</th><th>Error</th><th>Dead letter</th></tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-testid="webhook-event-row" data-outcome={e.outcome}>
                  <td className="whitespace-nowrap text-xs">{new Date(e.received_at).toLocaleTimeString()}</td>
                  <td className="font-mono text-xs">{e.type}</td>
                  <td className="font-mono text-xs">{e.id}</td>
                  <td><Badge tone={outcomeTone[e.outcome] ?? "neutral"}>{e.outcome}</Badge></td>
                  <td className="text-right tabular-nums" title="Replays are acknowledged and processed once">{e.deliveries}</td>
                  <td className="font-mono text-xs">{e.order_reference ?? "—"}</td>
                  <td className="max-w-md truncate text-xs" title={e.error ?? undefined}>{e.outcome === "failed" ? `${e.failure_reason}: ${e.error ?? ""}` : ""}</td>
                  <td className="whitespace-nowrap">
                    {e.task_id && e.task_status === "dead_lettered" ? (
                      <span className="flex items-center gap-2">
                        <Link className="text-sky-700 underline dark:text-sky-400" href={`/fulfillment/tasks/${e.task_id}`}>task #{e.task_id}</Link>
                        {canOperate ? <ApiActionButton label="Retry" url={`/api/v1/fulfillment/dead-letters/${e.task_id}/retry`} json={{ reason: `retry webhook ${e.id} from the payments panel` }} /> : null}
                      </span>
                    ) : e.task_id ? (
                      <span className="text-xs text-slate-500">task #{e.task_id} {e.task_status}</span>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
