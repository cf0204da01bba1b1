"use client";
// The load harness's last runs as a trend (p95 ingest→offer, extraction success) and a table;
// operators can run it against this instance from here.
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api } from "@/components/api-client";
import { ApiActionButton } from "@/components/api-action-button";
import { Badge, Card, Empty, tableClass } from "@/components/ui";
import type { HarnessReport } from "@/lib/whatsapp/harness";

interface Row {
  id: string;
  created_at: string;
  source: string;
  passed: boolean;
  report: HarnessReport;
}

const pct = (r: number | null | undefined) => (r === null || r === undefined ? "—" : `${(r * 100).toFixed(1)}%`);
const secs = (s: number | null | undefined) => (s === null || s === undefined ? "—" : `${s.toFixed(3)} s`);

export function HarnessReports({ initial, canOperate }: { initial: Row[]; canOperate: boolean }) {
  const { data } = useQuery({
    queryKey: ["whatsapp-harness"],
    queryFn: () => api<{ reports: Row[] }>("/api/v1/whatsapp/harness/reports?limit=10").then((r) => r.reports),
    initialData: initial,
    refetchInterval: 15_000,
  });
  const trend = [...data].reverse().map((r) => ({ at: r.created_at, p95: r.report.latency?.p95_seconds ?? null, success: (r.report.ratios?.extracted_created ?? 0) * 100 }));
  return (
    <Card
      title="Load harness (last runs)"
      action={canOperate ? <ApiActionButton label="Run harness now (50 messages)" url="/api/v1/whatsapp/harness/run" json={{ count: 50, batch_size: 10 }} /> : null}
    >
      {data.length === 0 ? (
        <Empty>No harness report yet. Run `opsdeck harness whatsapp load …` (it uploads its report) or, as an operator, run it from here.</Empty>
      ) : (
        <div className="grid gap-3">
          <div className="h-48" aria-label="Harness trend chart">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={trend}>
                <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
                <XAxis dataKey="at" tickFormatter={(t: string) => new Date(t).toLocaleDateString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })} fontSize={11} minTickGap={30} />
                <YAxis yAxisId="s" fontSize={11} width={44} />
                <YAxis yAxisId="p" orientation="right" fontSize={11} width={44} domain={[0, 100]} />
                <Tooltip labelFormatter={(l) => new Date(String(l)).toLocaleString()} />
                <Legend />
                <Line yAxisId="s" dataKey="p95" name="p95 ingest→offer (s)" stroke="#e11d48" isAnimationActive={false} />
                <Line yAxisId="p" dataKey="success" name="extracted/created (%)" stroke="#059669" isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
          <div className="overflow-x-auto">
            <table className={tableClass} data-testid="harness-reports">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Result</th>
                  <th className="text-right">p50</th>
                  <th className="text-right">p95</th>
                  <th className="text-right">Extraction success</th>
                  <th className="text-right">Skipped/error</th>
                  <th className="text-right">Dedupe</th>
                  <th className="text-right">429s</th>
                  <th>Source</th>
                </tr>
              </thead>
              <tbody className="tabular-nums">
                {data.map((r) => (
                  <tr key={r.id}>
                    <td className="font-mono text-xs" title={r.report.run_id}>
                      {new Date(r.created_at).toLocaleString()}
                    </td>
                    <td>{r.passed ? <Badge tone="good">SLOs met</Badge> : <Badge tone="bad">breach</Badge>}</td>
                    <td className="text-right">{secs(r.report.latency?.p50_seconds)}</td>
                    <td className="text-right">{secs(r.report.latency?.p95_seconds)}</td>
                    <td className="text-right">{pct(r.report.ratios?.extracted_created)}</td>
                    <td className="text-right">{pct(r.report.ratios?.skipped_error)}</td>
                    <td className="text-right">{pct(r.report.ratios?.dedupe)}</td>
                    <td className="text-right">{r.report.responses?.rate_limited_429 ?? "—"}</td>
                    <td>{r.source}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </Card>
  );
}
