import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, Card, PageHeader, tableClass } from "@/components/ui";
import { AlertChart } from "@/components/alerts/alert-chart";
import { AckForm } from "@/components/alerts/ack-form";
import { RunbookLink } from "@/components/alerts/open-alerts-table";
import { ago, fmtTime, fmtValue, severityTone, stateTone } from "@/components/alerts/format";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { alertDetail } from "@/lib/alerting/queries";
import { uuidId } from "@/lib/platform/http/schema-types";

export const dynamic = "force-dynamic";
export const metadata = { title: "Alert" };

const OPEN = ["pending", "firing", "nodata", "error"];

export default async function AlertPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePage("read", `/alerts/${id}`);
  if (!uuidId("alert id").safeParse(id).success) notFound();
  const detail = await alertDetail(id);
  if (!detail) notFound();
  const { alert: a, rule, events, samples, deliveries } = detail;
  const operator = can(user.role, "operate");
  const open = OPEN.includes(a.state);
  const silenceMatchers = `alertname=${a.rule}`;
  return (
    <>
      <PageHeader
        title={a.rule}
        description={<><Link href="/alerts" className="text-sky-700 hover:underline">Alerts</Link> · {a.summary}</>}
        actions={<><Badge tone={severityTone(a.severity)}>{a.severity}</Badge><Badge tone={stateTone(a.state)}>{a.state}</Badge></>}
      />
      <div className="grid gap-4">
        <Card title="What is happening">
          <p className="mb-3 text-sm">{a.description}</p>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm md:grid-cols-4">
            <dt className="text-slate-500">Current value</dt><dd className="tabular-nums">{fmtValue(a.value)}</dd>
            <dt className="text-slate-500">Condition</dt><dd>{rule ? `${rule.signal} ${rule.op} ${rule.threshold} over ${rule.windowSeconds}s, for ${rule.forSeconds}s` : "external (Alertmanager)"}</dd>
            <dt className="text-slate-500">Active since</dt><dd>{fmtTime(a.activeAt)} ({ago(a.activeAt)})</dd>
            <dt className="text-slate-500">Fired</dt><dd>{fmtTime(a.firedAt)}</dd>
            <dt className="text-slate-500">Resolved</dt><dd>{fmtTime(a.resolvedAt)}</dd>
            <dt className="text-slate-500">Runbook</dt><dd><RunbookLink alert={a} /></dd>
            <dt className="text-slate-500">Labels</dt>
            <dd className="col-span-1 flex flex-wrap gap-1 md:col-span-3">{Object.entries(a.labels).map(([k, v]) => <Badge key={k}>{k}={v}</Badge>)}</dd>
            {a.lastError ? <><dt className="text-slate-500">Last error</dt><dd className="col-span-3 text-rose-700">{a.lastError}</dd></> : null}
          </dl>
          {a.silencedBy.length ? <p className="mt-2 text-sm">Silenced (notifications muted) — see <Link className="text-sky-700 hover:underline" href="/alerts/silences">silences</Link>.</p> : null}
          {a.inhibitedBy ? <p className="mt-2 text-sm">Inhibited by a more severe alert for the same SLO; notifications muted.</p> : null}
        </Card>

        <Card title="Acknowledgement">
          {a.ack ? (
            <p className="text-sm" data-testid="ack-state">
              Acknowledged by <strong>{a.ack.by}</strong> {ago(a.ack.at)} ago: {a.ack.comment}
              {open ? "" : " (ended when the alert resolved)"}
            </p>
          ) : open ? (
            operator ? <AckForm alertId={a.id} /> : <p className="text-sm text-slate-500">Not acknowledged. Operators can acknowledge it.</p>
          ) : (
            <p className="text-sm text-slate-500">Not acknowledged.</p>
          )}
          {operator && open ? (
            <p className="mt-3 text-sm">
              <Link className="text-sky-700 hover:underline" href={`/alerts/silences?matchers=${encodeURIComponent(silenceMatchers)}`}>Silence this alert…</Link>
            </p>
          ) : null}
        </Card>

        <Card title="Signal and timeline">
          <AlertChart samples={samples} threshold={rule?.threshold ?? null} events={events} firedAt={a.firedAt} resolvedAt={a.resolvedAt} />
          <ol className="mt-4 space-y-1 text-sm" data-testid="timeline">
            {events.map((e) => (
              <li key={e.id} className="flex gap-3">
                <span className="whitespace-nowrap font-mono text-xs text-slate-500">{fmtTime(e.at)}</span>
                <Badge tone={e.kind === "state" ? stateTone(e.toState ?? "") : e.kind === "notify_failed" ? "bad" : e.kind === "notify_retry" ? "warn" : "neutral"}>{e.kind === "state" ? e.toState : e.kind.replace("_", " ")}</Badge>
                <span>{e.message}{e.actor ? <span className="text-slate-500"> — {e.actor}</span> : null}</span>
              </li>
            ))}
          </ol>
        </Card>

        <Card title="Notifications">
          {deliveries.length === 0 ? (
            <p className="text-sm text-slate-500">No notification was sent for this alert (no receiver configured, still in group_wait, silenced, or external).</p>
          ) : (
            <table className={tableClass}>
              <thead><tr><th>Queued</th><th>Receiver</th><th>Action</th><th>Status</th><th>Attempts</th><th>Error</th></tr></thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={d.id}>
                    <td className="whitespace-nowrap">{fmtTime(d.createdAt)}</td>
                    <td>{d.receiver} <span className="text-xs text-slate-500">({d.kind})</span></td>
                    <td>{d.action}</td>
                    <td><Badge tone={d.status === "delivered" ? "good" : d.status === "failed" ? "bad" : "warn"}>{d.status}</Badge></td>
                    <td className="tabular-nums">{d.attempts}</td>
                    <td className="text-xs text-slate-600">{d.lastError ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </>
  );
}
