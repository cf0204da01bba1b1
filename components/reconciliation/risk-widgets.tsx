"use client";
// The Risk page's live widgets: overclaim alerts by severity, the trust-score distribution, the
// biggest movers and affiliates by bucket; admins create an affiliate and its key (shown once).
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api } from "@/components/api-client";
import { useApiCall } from "@/components/use-api-call";
import { Badge, buttonClass, Card, Empty, ErrorNote, inputClass, Stat, tableClass, type Tone } from "@/components/ui";
import type { RiskData } from "@/lib/reconciliation/stats";

export type { RiskData };
const SEVERITY_TONE: Record<string, Tone> = { low: "warn", medium: "warn", high: "bad", critical: "bad" };
const BUCKET_TONE: Record<string, Tone> = { high: "good", medium: "info", low: "warn", blocked: "bad" };

function useRisk(query: string, initial: RiskData) {
  return useQuery({ queryKey: ["reconciliation-risk", query], queryFn: () => api<RiskData>(`/api/v1/reconciliation/risk?${query}`), initialData: initial, refetchInterval: 5_000 }).data;
}

export function RiskOverview({ query, initial, severityHref }: { query: string; initial: RiskData; severityHref: string }) {
  const d = useRisk(query, initial);
  return (
    <div className="grid gap-4">
      <div className="grid gap-3 sm:grid-cols-4" data-testid="risk-severities">
        {Object.entries(d.alertsBySeverity).map(([sev, n]) => (
          <Link key={sev} href={severityHref.replace("__SEV__", sev)}>
            <Stat label={`${sev} overclaims (24 h)`} value={n} tone={n > 0 && (sev === "high" || sev === "critical") ? "bad" : n > 0 ? "warn" : undefined} />
          </Link>
        ))}
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Trust-score distribution (affiliates per 10 points)" className="lg:col-span-2">
          <div className="h-48" aria-label="Trust distribution chart">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={d.distribution.map((b) => ({ ...b, range: `${b.from}–${b.to}` }))}>
                <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
                <XAxis dataKey="range" fontSize={11} />
                <YAxis fontSize={11} width={32} allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="affiliates" fill="#0369a1" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Card>
        <Card title="Affiliates by bucket">
          <ul className="grid gap-2 text-sm">
            {Object.entries(d.buckets).map(([b, n]) => (
              <li key={b} className="flex justify-between">
                <Badge tone={BUCKET_TONE[b]}>{b}</Badge> <span className="tabular-nums">{n}</span>
              </li>
            ))}
          </ul>
        </Card>
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Overclaim alerts" className="lg:col-span-2">
          {d.recentAlerts.length === 0 ? (
            <Empty>No overclaim alert in this window.</Empty>
          ) : (
            <table className={tableClass} data-testid="risk-alerts">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Severity</th>
                  <th>Affiliate</th>
                  <th>Claim</th>
                  <th>What</th>
                </tr>
              </thead>
              <tbody>
                {d.recentAlerts.map((a) => (
                  <tr key={a.id}>
                    <td className="text-xs">{new Date(a.createdAt).toLocaleTimeString()}</td>
                    <td>
                      <Badge tone={SEVERITY_TONE[a.severity]}>{a.severity}</Badge>
                    </td>
                    <td>{a.affiliate}</td>
                    <td>
                      <Link className="font-mono text-xs underline" href={`/reconciliation?id=${a.submissionId}`}>
                        #{a.submissionId}
                      </Link>
                    </td>
                    <td className="text-xs">{a.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title="Biggest trust movers (24 h)">
          {d.movers.length === 0 ? (
            <Empty>No trust moved in this window.</Empty>
          ) : (
            <table className={tableClass}>
              <tbody className="tabular-nums">
                {d.movers.map((m) => (
                  <tr key={m.affiliateId}>
                    <td>
                      <Link className="underline" href={`/reconciliation?affiliate=${m.affiliateId}`}>
                        {m.name}
                      </Link>
                    </td>
                    <td className="text-right">{m.delta > 0 ? `+${m.delta}` : m.delta}</td>
                    <td className="text-right">{m.score}</td>
                    <td>
                      <Badge tone={BUCKET_TONE[m.bucket]}>{m.bucket}</Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </div>
  );
}

export interface AffiliateRow {
  id: string;
  name: string;
  trustScore: number;
  trustBucket: string;
  keyPrefix: string;
  keyRevoked: boolean;
  keyLastUsedAt: string | null;
  createdAt: string;
}

export function Affiliates({ initial, canAdmin }: { initial: AffiliateRow[]; canAdmin: boolean }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<{ name: string; apiKey: { key: string } } | null>(null);
  const { busy, error, run } = useApiCall();
  const { data } = useQuery({ queryKey: ["reconciliation-affiliates"], queryFn: () => api<{ affiliates: AffiliateRow[] }>("/api/v1/reconciliation/affiliates").then((r) => r.affiliates), initialData: initial, refetchInterval: 10_000 });
  return (
    <Card title="Affiliates">
      <div className="grid gap-3">
        {canAdmin ? (
          <>
            {created ? (
              <div role="status" className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-900 dark:bg-emerald-950">
                <p className="font-medium">Affiliate “{created.name}” created with its API key (scope reconciliation:submit). Copy the key now: it is shown only once.</p>
                <code data-testid="new-affiliate-key" className="mt-2 block break-all rounded bg-white p-2 font-mono text-xs dark:bg-slate-900">
                  {created.apiKey.key}
                </code>
                <button className={`${buttonClass.secondary} mt-2`} onClick={() => setCreated(null)}>
                  I have stored it
                </button>
              </div>
            ) : null}
            <form
              className="flex flex-wrap items-end gap-2"
              onSubmit={async (e) => {
                e.preventDefault();
                await run(async () => {
                  setCreated(await api("/api/v1/reconciliation/affiliates", { method: "POST", json: { name } }));
                  setName("");
                  router.refresh();
                });
              }}
            >
              <label className="flex flex-col gap-1 text-sm">
                New affiliate
                <input className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="Acme Media" required aria-label="Affiliate name" />
              </label>
              <button className={buttonClass.primary} disabled={busy}>
                Create affiliate and key
              </button>
            </form>
            {error ? <ErrorNote>{error}</ErrorNote> : null}
          </>
        ) : null}
        <table className={tableClass} data-testid="affiliates">
          <thead>
            <tr>
              <th>Affiliate</th>
              <th className="text-right">Trust</th>
              <th>Bucket</th>
              <th>Key</th>
              <th>Key last used</th>
            </tr>
          </thead>
          <tbody className="tabular-nums">
            {data.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link className="underline" href={`/reconciliation?affiliate=${a.id}`}>
                    {a.name}
                  </Link>
                </td>
                <td className="text-right">{a.trustScore}</td>
                <td>
                  <Badge tone={BUCKET_TONE[a.trustBucket]}>{a.trustBucket}</Badge>
                </td>
                <td className="font-mono text-xs">
                  opsk_{a.keyPrefix}_… {a.keyRevoked ? <Badge tone="bad">revoked</Badge> : null}
                </td>
                <td className="text-xs">{a.keyLastUsedAt ? new Date(a.keyLastUsedAt).toLocaleString() : "never"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
