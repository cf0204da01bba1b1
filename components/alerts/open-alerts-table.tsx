"use client";
// Open alerts, refreshed every 5 s: severity, state, age, current value, runbook link.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { Badge, Empty, ErrorNote, tableClass } from "@/components/ui";
import { ago, fmtValue, severityTone, stateTone } from "./format";
import type { AlertRow } from "./types";

export function useAlerts(initial?: { open: AlertRow[]; resolved: AlertRow[] }) {
  return useQuery({
    queryKey: ["alerts"],
    queryFn: () => api<{ open: AlertRow[]; resolved: AlertRow[] }>("/api/v1/alerts"),
    initialData: initial,
    refetchInterval: 5_000,
  });
}

export function RunbookLink({ alert }: { alert: Pick<AlertRow, "runbook" | "runbookUrl"> }) {
  if (alert.runbook) return <Link className="text-sky-700 hover:underline" href={`/runbooks/${alert.runbook}`}>runbook</Link>;
  if (alert.runbookUrl) return <a className="text-sky-700 hover:underline" href={alert.runbookUrl} rel="noreferrer" target="_blank">runbook ↗</a>;
  return <span className="text-slate-400">none</span>;
}

export function OpenAlertsTable({ initial, limit, states }: { initial?: { open: AlertRow[]; resolved: AlertRow[] }; limit?: number; states?: string[] }) {
  const q = useAlerts(initial);
  if (q.error) return <ErrorNote>Could not load alerts: {(q.error as Error).message}. The list retries every 5 seconds.</ErrorNote>;
  const rows = (q.data?.open ?? []).filter((a) => !states || states.includes(a.state)).slice(0, limit);
  if (!q.data) return <Empty>Loading…</Empty>;
  if (rows.length === 0) return <Empty>No alert is firing or pending. All rules are quiet.</Empty>;
  return (
    <table className={tableClass} data-testid="open-alerts">
      <thead>
        <tr><th>Severity</th><th>State</th><th>Alert</th><th>Value</th><th>Age</th><th>Runbook</th><th>Handling</th></tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.id} data-alert={a.rule}>
            <td><Badge tone={severityTone(a.severity)}>{a.severity}</Badge></td>
            <td><Badge tone={stateTone(a.state)}>{a.state}</Badge></td>
            <td>
              <Link href={`/alerts/${a.id}`} className="font-medium text-sky-700 hover:underline">{a.rule}</Link>
              <div className="text-xs text-slate-500">{a.summary}{a.source === "external" ? " · external" : ""}</div>
            </td>
            <td className="tabular-nums">{fmtValue(a.value)}</td>
            <td className="tabular-nums" title={a.firedAt ?? a.activeAt}>{ago(a.firedAt ?? a.activeAt)}</td>
            <td><RunbookLink alert={a} /></td>
            <td className="text-xs">
              {a.ack ? <Badge tone="info">ack: {a.ack.by}</Badge> : null}
              {a.silencedBy.length ? <Badge tone="neutral">silenced</Badge> : null}
              {a.inhibitedBy ? <Badge tone="neutral">inhibited</Badge> : null}
              {!a.ack && !a.silencedBy.length && !a.inhibitedBy ? <span className="text-slate-400">unowned</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
