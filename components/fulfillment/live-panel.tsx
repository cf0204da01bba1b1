"use client";
// The live fulfillment panel: tiles, throughput and failure-rate charts, per-task-type table and
// worker list, refetched every 5 s from /api/v1/fulfillment/panel (server data seeds the first paint).
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { Area, AreaChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api } from "@/components/api-client";
import { Badge, Card, Empty, ErrorNote, Stat, tableClass, type Tone } from "@/components/ui";

export interface PanelData {
  window: string;
  step_minutes: number;
  generated_at: string;
  tiles: {
    pending: number;
    running: number;
    oldest_pending_age_seconds: number | null;
    succeeded_last_hour: number;
    failed_last_hour: number;
    dead_lettered_last_hour: number;
  };
  series: { t: string; succeeded: number; retried: number; dead_lettered: number; per_minute: number; failure_rate: number }[];
  task_types: {
    task_type: string;
    pending: number;
    running: number;
    dead_letter_backlog: number;
    /** true when the backlog reached the count cap: shown as "10,000+". */
    dead_letter_backlog_capped: boolean;
    succeeded: number;
    retried: number;
    dead_lettered: number;
    failure_rate: number;
    avg_ms: number | null;
  }[];
  workers: { id: string; hostname: string; pid: number; state: string; heartbeat_at: string; heartbeat_age_seconds: number; stale: boolean; loop_errors: number; last_loop_ms: number | null }[];
}

const fmt = new Intl.NumberFormat("en");
const pct = (r: number) => `${(r * 100).toFixed(1)}%`;

function age(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

const stateTone: Record<string, Tone> = { running: "good", draining: "warn", stale: "bad", stopped: "neutral" };

export function LivePanel({ window, initial }: { window: string; initial: PanelData }) {
  const q = useQuery({
    queryKey: ["fulfillment-panel", window],
    queryFn: () => api<PanelData>(`/api/v1/fulfillment/panel?window=${encodeURIComponent(window)}`),
    initialData: initial.window === window ? initial : undefined,
    refetchInterval: 5_000,
  });
  const d = q.data;
  if (!d) return <ErrorNote>{q.error ? `Could not load the panel: ${q.error.message}` : "Loading…"}</ErrorNote>;
  const time = (t: string) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const t = d.tiles;

  return (
    <div className="grid gap-4">
      {q.error ? <ErrorNote>Refresh failed ({q.error.message}); showing data from {new Date(d.generated_at).toLocaleTimeString()}. Retrying every 5 s.</ErrorNote> : null}
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" data-testid="fulfillment-tiles">
        <Stat label="Pending" value={fmt.format(t.pending)} hint="due or scheduled for retry" />
        <Stat label="Running" value={fmt.format(t.running)} />
        <Stat label="Oldest pending" value={age(t.oldest_pending_age_seconds)} tone={(t.oldest_pending_age_seconds ?? 0) > 300 ? "warn" : undefined} />
        <Stat label="Succeeded (1 h)" value={fmt.format(t.succeeded_last_hour)} />
        <Stat label="Failed (1 h)" value={fmt.format(t.failed_last_hour)} hint="retried + dead-lettered attempts" tone={t.failed_last_hour > 0 ? "warn" : undefined} />
        <Link href="/fulfillment/dead-letters" className="block rounded-lg text-slate-900! focus:outline-2 focus:outline-sky-600 dark:text-slate-100!" title="Open the dead-letter console">
          <Stat label="Dead-lettered (1 h)" value={fmt.format(t.dead_lettered_last_hour)} hint="open the dead-letter console →" tone={t.dead_lettered_last_hour > 0 ? "bad" : undefined} />
        </Link>
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card title={`Finished attempts per ${d.step_minutes === 1 ? "minute" : `${d.step_minutes} minutes`}`}>
          <div className="h-56" aria-label="Throughput chart">
            <ResponsiveContainer width="100%" height="100%">
              <AreaChart data={d.series}>
                <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
                <XAxis dataKey="t" tickFormatter={time} minTickGap={30} fontSize={11} />
                <YAxis fontSize={11} width={48} />
                <Tooltip labelFormatter={(l) => new Date(String(l)).toLocaleString()} />
                <Area type="monotone" dataKey="succeeded" stackId="1" stroke="#059669" fill="#10b981" fillOpacity={0.4} isAnimationActive={false} />
                <Area type="monotone" dataKey="retried" stackId="1" stroke="#d97706" fill="#f59e0b" fillOpacity={0.4} isAnimationActive={false} />
                <Area type="monotone" dataKey="dead_lettered" stackId="1" stroke="#e11d48" fill="#f43f5e" fillOpacity={0.5} isAnimationActive={false} />
              </AreaChart>
            </ResponsiveContainer>
          </div>
        </Card>
        <Card title="Failure rate (retried + dead-lettered / finished attempts)">
          <div className="h-56" aria-label="Failure rate chart">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={d.series}>
                <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
                <XAxis dataKey="t" tickFormatter={time} minTickGap={30} fontSize={11} />
                <YAxis fontSize={11} width={48} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} domain={[0, "auto"]} />
                <Tooltip labelFormatter={(l) => new Date(String(l)).toLocaleString()} formatter={(v) => pct(Number(v))} />
                <Line type="monotone" dataKey="failure_rate" stroke="#e11d48" dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </Card>
      </div>

      <Card title={`Task types (last ${d.window})`}>
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <thead>
              <tr>
                <th>Task type</th>
                <th className="text-right">Pending</th>
                <th className="text-right">Running</th>
                <th className="text-right">Succeeded</th>
                <th className="text-right">Retried</th>
                <th className="text-right">Dead-lettered</th>
                <th className="text-right">Failure rate</th>
                <th className="text-right">Avg duration</th>
                <th className="text-right">Dead-letter backlog</th>
              </tr>
            </thead>
            <tbody className="tabular-nums">
              {d.task_types.map((r) => (
                <tr key={r.task_type} data-testid="task-type-row">
                  <td className="font-mono text-xs">{r.task_type}</td>
                  <td className="text-right">{fmt.format(r.pending)}</td>
                  <td className="text-right">{fmt.format(r.running)}</td>
                  <td className="text-right">{fmt.format(r.succeeded)}</td>
                  <td className="text-right">{fmt.format(r.retried)}</td>
                  <td className="text-right">{fmt.format(r.dead_lettered)}</td>
                  <td className="text-right">{pct(r.failure_rate)}</td>
                  <td className="text-right">{r.avg_ms === null ? "—" : `${r.avg_ms} ms`}</td>
                  <td className="text-right">
                    {r.dead_letter_backlog > 0 ? (
                      <Link className="text-sky-700 underline dark:text-sky-400" href={`/fulfillment/dead-letters?type=${encodeURIComponent(r.task_type)}`}>
                        {fmt.format(r.dead_letter_backlog)}
                        {r.dead_letter_backlog_capped ? "+" : ""}
                      </Link>
                    ) : (
                      0
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      <Card title="Workers" action={<span className="text-xs text-slate-500">updated {new Date(d.generated_at).toLocaleTimeString()}</span>}>
        {d.workers.length === 0 ? (
          <Empty>No worker has reported in the last hour. Set FULFILLMENT_WORKER_ENABLED=true on a server, or run `npm run worker`.</Empty>
        ) : (
          <div className="overflow-x-auto">
            <table className={tableClass}>
              <thead>
                <tr>
                  <th>Worker</th>
                  <th>State</th>
                  <th className="text-right">Heartbeat</th>
                  <th className="text-right">Last loop</th>
                  <th className="text-right">Loop errors</th>
                </tr>
              </thead>
              <tbody className="tabular-nums">
                {d.workers.map((w) => (
                  <tr key={w.id} data-testid="worker-row">
                    <td className="font-mono text-xs">{w.id}</td>
                    <td>
                      <Badge tone={stateTone[w.state] ?? "neutral"}>{w.state}</Badge>
                    </td>
                    <td className="text-right">{age(Math.round(w.heartbeat_age_seconds))} ago</td>
                    <td className="text-right">{w.last_loop_ms === null ? "—" : `${w.last_loop_ms} ms`}</td>
                    <td className="text-right">{fmt.format(w.loop_errors)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
