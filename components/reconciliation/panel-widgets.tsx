"use client";
// The reconciliation panel's live widgets: headline figures, status distribution over time, queue
// depth, submission → first attempt latency, and the recent-claims list. Each polls its endpoint
// with react-query, starting from the server-rendered data.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api } from "@/components/api-client";
import { Badge, Card, Empty, Stat, tableClass, type Tone } from "@/components/ui";
import type { PanelData } from "@/lib/reconciliation/stats";

export type { PanelData };

const REFRESH_MS = 5_000;
export const STATUS_TONE: Record<string, Tone> = { matched: "good", discrepancy: "warn", overclaim: "bad", missing: "bad", queued: "info", retrying: "info" };
const time = (t: string) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const secs = (s: number | null | undefined) => (s === null || s === undefined ? "—" : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(1)} s`);

function usePanel(minutes: number, initial: PanelData) {
  return useQuery({
    queryKey: ["reconciliation-panel", minutes],
    queryFn: () => api<PanelData>(`/api/v1/reconciliation/panel?minutes=${minutes}`),
    initialData: initial,
    refetchInterval: REFRESH_MS,
  }).data;
}

export function Headline({ minutes, initial }: { minutes: number; initial: PanelData }) {
  const d = usePanel(minutes, initial);
  const total = Object.values(d.totals).reduce((a, b) => a + b, 0);
  const missingRatio = total ? d.totals.missing / total : 0;
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5" data-testid="reconciliation-headline">
      <Stat label="Queue depth" value={d.queueDepth} tone={d.queueDepth >= 100 ? "bad" : undefined} hint={d.oldestOpenSeconds !== null ? `oldest waiting ${secs(d.oldestOpenSeconds)}` : "nothing waiting"} />
      <Stat label="Worker idle ratio" value={d.idleRatio === null ? "no worker" : `${Math.round(d.idleRatio * 100)} %`} tone={d.idleRatio === null ? "bad" : d.idleRatio < 0.1 ? "warn" : undefined} hint="share of live task slots not reconciling (1 min)" />
      <Stat label="Submission → first attempt" value={secs(d.latency.p95)} tone={(d.latency.p95 ?? 0) > 5 ? "bad" : undefined} hint={`p95 · p50 ${secs(d.latency.p50)} · ${d.latency.samples} claims`} />
      <Stat label={`Reconciled (${minutes} min)`} value={total} hint={Object.entries(d.totals).map(([s, n]) => `${s} ${n}`).join(" · ")} />
      <Stat
        label="Missing"
        value={`${(missingRatio * 100).toFixed(1)} %`}
        tone={missingRatio >= 0.05 ? "bad" : undefined}
        hint={Object.keys(d.missingReasons).length ? Object.entries(d.missingReasons).map(([r, n]) => `${r} ${n}`).join(" · ") : "no missing claims"}
      />
    </div>
  );
}

export function Charts({ minutes, initial }: { minutes: number; initial: PanelData }) {
  const d = usePanel(minutes, initial);
  const series = d.series.map((s) => ({ ...s, p50ms: s.p50 === null ? null : s.p50 * 1000, p95ms: s.p95 === null ? null : s.p95 * 1000 }));
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <Card title="Status distribution per minute" className="lg:col-span-2">
        <div className="h-56" aria-label="Status distribution chart">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={series}>
              <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
              <XAxis dataKey="minute" tickFormatter={time} fontSize={11} minTickGap={30} />
              <YAxis fontSize={11} width={40} allowDecimals={false} />
              <Tooltip labelFormatter={(l) => new Date(String(l)).toLocaleTimeString()} />
              <Legend />
              <Bar dataKey="matched" stackId="s" fill="#059669" isAnimationActive={false} />
              <Bar dataKey="discrepancy" stackId="s" fill="#d97706" isAnimationActive={false} />
              <Bar dataKey="overclaim" stackId="s" fill="#e11d48" isAnimationActive={false} />
              <Bar dataKey="missing" stackId="s" fill="#64748b" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <Card title="Queue depth (end of minute)">
        <div className="h-56" aria-label="Queue depth chart">
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart data={series}>
              <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
              <XAxis dataKey="minute" tickFormatter={time} fontSize={11} minTickGap={30} />
              <YAxis fontSize={11} width={40} allowDecimals={false} />
              <Tooltip labelFormatter={(l) => new Date(String(l)).toLocaleTimeString()} />
              <Area dataKey="depth" name="waiting claims" stroke="#0369a1" fill="#0369a133" isAnimationActive={false} />
            </AreaChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <Card title="Submission → first attempt (ms), by minute submitted" className="lg:col-span-2">
        <div className="h-48" aria-label="Latency chart">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={series}>
              <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
              <XAxis dataKey="minute" tickFormatter={time} fontSize={11} minTickGap={30} />
              <YAxis fontSize={11} width={48} />
              <Tooltip labelFormatter={(l) => new Date(String(l)).toLocaleTimeString()} />
              <Legend />
              <Line dataKey="p50ms" name="p50" stroke="#0369a1" dot={false} isAnimationActive={false} connectNulls />
              <Line dataKey="p95ms" name="p95" stroke="#e11d48" dot={false} isAnimationActive={false} connectNulls />
            </LineChart>
          </ResponsiveContainer>
        </div>
      </Card>
      <Card title="Platforms (attempts in window)">
        {d.platforms.length === 0 ? (
          <Empty>No attempts in this window.</Empty>
        ) : (
          <table className={tableClass}>
            <thead>
              <tr>
                <th>Platform</th>
                <th className="text-right">Attempts</th>
                <th className="text-right">Failed</th>
                <th className="text-right">p95</th>
              </tr>
            </thead>
            <tbody className="tabular-nums">
              {d.platforms.map((p) => (
                <tr key={p.platform}>
                  <td>{p.platform}</td>
                  <td className="text-right">{p.attempts}</td>
                  <td className="text-right">{p.failures ? <Badge tone={p.failures / p.attempts > 0.2 ? "bad" : "warn"}>{p.failures}</Badge> : 0}</td>
                  <td className="text-right">{p.p95AttemptMs === null ? "—" : `${Math.round(p.p95AttemptMs)} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

export interface SubmissionRow {
  id: string;
  platform: string;
  postId: string;
  affiliate: string;
  affiliateId: string;
  status: string;
  missingReason: string | null;
  attempts: number;
  trustDelta: number | null;
  submittedAt: string;
  reconciledAt: string | null;
  views: string | null;
  clicks: string | null;
  sales: string | null;
}

/** Recent claims matching the URL's filter (`query` is the filter as a query string). */
/** `detailHref` holds "__ID__" where a claim's id goes (functions cannot cross from the server page). */
export function SubmissionsTable({ query, initial, detailHref }: { query: string; initial: { submissions: SubmissionRow[] }; detailHref: string }) {
  const { data } = useQuery({
    queryKey: ["reconciliation-submissions", query],
    queryFn: () => api<{ submissions: SubmissionRow[] }>(`/api/v1/reconciliation/submissions?${query}`),
    initialData: initial,
    refetchInterval: REFRESH_MS,
  });
  if (data.submissions.length === 0) return <Empty>No claim matches this filter. Clear it, or wait for submissions.</Empty>;
  return (
    <div className="overflow-x-auto">
      <table className={tableClass} data-testid="reconciliation-submissions">
        <thead>
          <tr>
            <th>Id</th>
            <th>Submitted</th>
            <th>Affiliate</th>
            <th>Platform / post</th>
            <th className="text-right">Claimed views / clicks / sales</th>
            <th>Status</th>
            <th className="text-right">Attempts</th>
            <th className="text-right">Trust Δ</th>
          </tr>
        </thead>
        <tbody className="tabular-nums">
          {data.submissions.map((s) => (
            <tr key={s.id}>
              <td>
                <Link className="font-mono text-xs underline" href={detailHref.replace("__ID__", s.id)}>
                  #{s.id}
                </Link>
              </td>
              <td className="text-xs">{new Date(s.submittedAt).toLocaleTimeString()}</td>
              <td>{s.affiliate}</td>
              <td className="font-mono text-xs">
                {s.platform} / {s.postId}
              </td>
              <td className="text-right text-xs">{[s.views, s.clicks, s.sales].map((v) => v ?? "—").join(" / ")}</td>
              <td>
                <Badge tone={STATUS_TONE[s.status] ?? "neutral"}>{s.status}</Badge> {s.missingReason ? <span className="text-xs text-slate-500">{s.missingReason}</span> : null}
              </td>
              <td className="text-right">{s.attempts}</td>
              <td className="text-right">{s.trustDelta === null ? "—" : s.trustDelta > 0 ? `+${s.trustDelta}` : s.trustDelta}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
