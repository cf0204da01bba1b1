"use client";
// One claim, live until it finishes: every attempt (outcome, error, backoff), the last fetched
// report beside the claimed figures, the classification per metric, the alert and trust move.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { Badge, Card, Empty, tableClass } from "@/components/ui";
import type { SubmissionDetail as Detail } from "@/lib/reconciliation/submissions";
import { STATUS_TONE } from "./panel-widgets";

const OPEN = new Set(["queued", "retrying"]);
const pct = (r: number | null | undefined) => (r === null || r === undefined ? "—" : `${r >= 0 ? "+" : ""}${(r * 100).toFixed(1)} %`);

export function SubmissionDetail({ initial, closeHref }: { initial: Detail; closeHref: string }) {
  const { data: s } = useQuery({
    queryKey: ["reconciliation-submission", initial.id],
    queryFn: () => api<Detail>(`/api/v1/reconciliation/submissions/${initial.id}`),
    initialData: initial,
    refetchInterval: (q) => (OPEN.has(q.state.data?.status ?? "") ? 1_000 : false),
  });
  const cls = s.classification as { metrics?: { metric: string; claimed: number; observed: number | null; ratio: number | null; unbounded?: boolean; class: string }[] } | null;
  return (
    <Card
      title={
        <span>
          Claim #{s.id} · <Badge tone={STATUS_TONE[s.status] ?? "neutral"}>{s.status}</Badge> {s.missingReason ? <Badge tone="bad">{s.missingReason}</Badge> : null}
        </span>
      }
      action={
        <Link href={closeHref} className="text-sm underline">
          close
        </Link>
      }
    >
      <div className="grid gap-4" data-testid="submission-detail">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
          <dt className="text-slate-500">Affiliate</dt>
          <dd>
            {s.affiliate.name} (trust {s.affiliate.trustScore}, {s.affiliate.trustBucket})
          </dd>
          <dt className="text-slate-500">Platform / post</dt>
          <dd className="font-mono text-xs">
            {s.platform} / {s.postId}
          </dd>
          <dt className="text-slate-500">Period</dt>
          <dd className="text-xs">
            {new Date(s.period.start).toLocaleDateString()} – {new Date(s.period.end).toLocaleDateString()}
          </dd>
          <dt className="text-slate-500">Submitted</dt>
          <dd className="text-xs">{new Date(s.submittedAt).toLocaleString()}</dd>
          <dt className="text-slate-500">First attempt after</dt>
          <dd>{s.firstAttemptAt ? `${((Date.parse(s.firstAttemptAt) - Date.parse(s.submittedAt)) / 1000).toFixed(2)} s` : "—"}</dd>
          <dt className="text-slate-500">Trust Δ</dt>
          <dd>{s.trustDelta ?? "—"}</dd>
          <dt className="text-slate-500">Priority</dt>
          <dd>{s.priority}</dd>
          <dt className="text-slate-500">Alert</dt>
          <dd>{s.alert ? <Badge tone={s.alert.severity === "low" ? "warn" : "bad"}>{`${s.alert.type} · ${s.alert.severity}`}</Badge> : "none"}</dd>
        </dl>
        {s.alert ? <p className="text-sm">{s.alert.message}</p> : null}
        <table className={tableClass}>
          <thead>
            <tr>
              <th>Metric</th>
              <th className="text-right">Claimed</th>
              <th className="text-right">Platform{s.lastFetch ? ` (attempt ${s.lastFetch.attempt})` : ""}</th>
              <th className="text-right">Difference</th>
              <th>Class</th>
            </tr>
          </thead>
          <tbody className="tabular-nums">
            {(["views", "clicks", "sales"] as const).map((m) => {
              const row = cls?.metrics?.find((x) => x.metric === m);
              return (
                <tr key={m}>
                  <td>{m}</td>
                  <td className="text-right">{s.claimed[m] ?? "—"}</td>
                  <td className="text-right">{s.lastFetch?.[m] ?? "—"}</td>
                  <td className="text-right">{row ? (row.unbounded ? "platform: 0" : pct(row.ratio)) : "—"}</td>
                  <td>{row ? <Badge tone={STATUS_TONE[row.class] ?? "neutral"}>{row.class}</Badge> : null}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {s.attempts.length === 0 ? (
          <Empty>No attempt yet: the claim is queued.</Empty>
        ) : (
          <table className={tableClass} data-testid="submission-attempts">
            <thead>
              <tr>
                <th>#</th>
                <th>Finished</th>
                <th>Outcome</th>
                <th>Error</th>
                <th className="text-right">Duration</th>
                <th className="text-right">Next in</th>
                <th>Worker</th>
              </tr>
            </thead>
            <tbody className="tabular-nums">
              {s.attempts.map((a) => (
                <tr key={a.attempt}>
                  <td>{a.attempt}</td>
                  <td className="text-xs">{new Date(a.finishedAt).toLocaleTimeString()}</td>
                  <td>
                    <Badge tone={a.outcome === "fetched" ? "good" : a.outcome === "not_found" ? "warn" : "bad"}>{a.outcome}</Badge>
                  </td>
                  <td className="max-w-md truncate text-xs" title={a.errorMessage ?? undefined}>
                    {a.errorCode ? `${a.errorCode}: ${a.errorMessage ?? ""}` : ""}
                  </td>
                  <td className="text-right">{a.durationMs} ms</td>
                  <td className="text-right">{a.backoffSeconds === null ? "—" : `${a.backoffSeconds.toFixed(1)} s`}</td>
                  <td className="font-mono text-xs">{a.workerId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Card>
  );
}
