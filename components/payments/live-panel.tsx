"use client";
// The payments panel's live widgets. They share one react-query key, so the page polls
// /api/v1/payments/panel once every 5 s however many widgets show it; server data seeds the first paint.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api } from "@/components/api-client";
import { Badge, Card, Empty, ErrorNote, Stat, tableClass } from "@/components/ui";
import type { PaymentsPanel } from "./types";

const fmt = new Intl.NumberFormat("en");
const COLORS = ["#e11d48", "#f59e0b", "#8b5cf6", "#0ea5e9", "#14b8a6", "#64748b", "#db2777", "#65a30d", "#ea580c", "#0891b2"];

function usePanel(window: string, initial: PaymentsPanel) {
  return useQuery({
    queryKey: ["payments-panel", window],
    queryFn: () => api<PaymentsPanel>(`/api/v1/payments/panel?window=${encodeURIComponent(window)}`),
    initialData: initial.window === window ? initial : undefined,
    refetchInterval: 5_000,
  });
}

function Stale({ error, at }: { error: Error | null; at: string }) {
  return error ? <ErrorNote>Refresh failed ({error.message}); showing data from {new Date(at).toLocaleTimeString()}. Retrying every 5 s.</ErrorNote> : null;
}

export function PaymentTiles({ window, initial }: { window: string; initial: PaymentsPanel }) {
  const { data: d, error } = usePanel(window, initial);
  if (!d) return <ErrorNote>Could not load payment figures{error ? `: ${error.message}` : "."}</ErrorNote>;
  const c = d.checkout.totals, w = d.webhooks.totals;
  const rate = c.attempted ? `${((c.succeeded / c.attempted) * 100).toFixed(1)}% succeeded` : "no checkouts yet";
  return (
    <div className="grid gap-3">
      <Stale error={error} at={d.generated_at} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-8" data-testid="payments-tiles">
        <Stat label={`Checkouts (${d.window})`} value={fmt.format(c.attempted)} hint={rate} />
        <Stat label="Checkout failures" value={fmt.format(c.failed)} tone={c.failed > 0 ? "warn" : undefined} hint="declines and provider errors" />
        <div data-testid="tile-webhooks-received">
          <Stat label="Webhooks received" value={fmt.format(w.received)} hint="signature verified" />
        </div>
        <Stat label="Processed" value={fmt.format(w.processed)} />
        <Stat label="Webhook failures" value={fmt.format(w.failed)} tone={w.failed > 0 ? "bad" : undefined} hint="dead letters: retry below" />
        <Stat label="Signature failures" value={fmt.format(w.signature_failures)} tone={w.signature_failures > 0 ? "warn" : undefined} hint="rejected with 400" />
        <Stat label="Duplicates" value={fmt.format(w.duplicates)} hint="replays, processed once" />
        <Stat label="Ignored" value={fmt.format(w.ignored)} hint="types without a handler" />
      </div>
      {d.last_failure ? (
        <p className="text-xs text-slate-500" data-testid="last-failure">
          Last failure {new Date(d.last_failure.at).toLocaleString()}: <span className="font-mono">{d.last_failure.reason}</span> ({d.last_failure.event_type})
        </p>
      ) : null}
    </div>
  );
}

export function FailureChart({ window, initial }: { window: string; initial: PaymentsPanel }) {
  const { data: d } = usePanel(window, initial);
  if (!d) return null;
  const time = (t: string) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return (
    <Card title={`Failures by reason per ${d.step_minutes === 1 ? "minute" : `${d.step_minutes} minutes`}`}>
      {d.reasons.length === 0 ? (
        <Empty>No checkout, webhook or signature failure in the last {d.window}.</Empty>
      ) : (
        <div className="h-64" aria-label="Failures by reason chart">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={d.series}>
              <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
              <XAxis dataKey="t" tickFormatter={time} minTickGap={30} fontSize={11} />
              <YAxis fontSize={11} width={40} allowDecimals={false} />
              <Tooltip labelFormatter={(l) => new Date(String(l)).toLocaleString()} />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              {d.reasons.map((r, i) => (
                <Bar key={r} dataKey={r} stackId="1" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </Card>
  );
}

export function RecentFailures({ window, initial }: { window: string; initial: PaymentsPanel }) {
  const { data: d } = usePanel(window, initial);
  if (!d) return null;
  return (
    <Card title="Recent failures">
      {d.recent_failures.length === 0 ? (
        <Empty>No failed checkout or webhook yet.</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <thead>
              <tr><th>When</th><th>Kind</th><th>Reason</th><th>Detail</th><th>Dead letter</th></tr>
            </thead>
            <tbody>
              {d.recent_failures.map((f, i) => (
                <tr key={`${f.kind}-${f.event_id ?? i}-${f.at}`} data-testid="recent-failure">
                  <td className="whitespace-nowrap text-xs">{new Date(f.at).toLocaleTimeString()}</td>
                  <td><Badge tone={f.kind === "webhook" ? "bad" : "warn"}>{f.kind}</Badge></td>
                  <td className="font-mono text-xs">{f.reason}</td>
                  <td className="max-w-xl truncate text-xs" title={f.detail}>{f.detail}</td>
                  <td>{f.task_id ? <Link className="text-sky-700 underline dark:text-sky-400" href={`/fulfillment/tasks/${f.task_id}`}>task #{f.task_id}</Link> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
