import Link from "next/link";
import { Suspense } from "react";
import { Badge, Card, Empty, PageHeader, Skeleton, buttonClass, tableClass } from "@/components/ui";
import { OpenAlertsTable } from "@/components/alerts/open-alerts-table";
import { ago, fmtTime, fmtValue, severityTone } from "@/components/alerts/format";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { failedDeliveries, leaderInfo, openAlerts, resolvedAlerts } from "@/lib/alerting/queries";

export const dynamic = "force-dynamic";
export const metadata = { title: "Alerts" };

async function OpenNow() {
  const [open, resolved] = await Promise.all([openAlerts(), resolvedAlerts(20)]);
  return (
    <Card title="Firing and pending">
      <OpenAlertsTable initial={{ open: JSON.parse(JSON.stringify(open)), resolved: JSON.parse(JSON.stringify(resolved)) }} />
    </Card>
  );
}

async function DeliveryProblems() {
  const failed = await failedDeliveries(10);
  if (failed.length === 0) return null;
  return (
    <Card title="Notification problems" action={<Badge tone="bad">{failed.length}</Badge>}>
      <table className={tableClass}>
        <thead><tr><th>When</th><th>Receiver</th><th>Action</th><th>Status</th><th>Attempts</th><th>Last error</th></tr></thead>
        <tbody>
          {failed.map((d) => (
            <tr key={d.id}>
              <td className="whitespace-nowrap">{fmtTime(d.createdAt.toISOString())}</td>
              <td>{d.receiver} <span className="text-xs text-slate-500">({d.kind})</span></td>
              <td>{d.action}</td>
              <td><Badge tone={d.status === "failed" ? "bad" : "warn"}>{d.status === "failed" ? "failed" : "retrying"}</Badge></td>
              <td className="tabular-nums">{d.attempts}</td>
              <td className="text-xs text-slate-600">{d.lastError}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

async function History() {
  const rows = await resolvedAlerts(50);
  return (
    <Card title="Resolved (history)">
      {rows.length === 0 ? (
        <Empty>No alert has resolved yet.</Empty>
      ) : (
        <table className={tableClass}>
          <thead><tr><th>Severity</th><th>Alert</th><th>Fired</th><th>Resolved</th><th>Lasted</th><th>Last value</th><th>Acknowledged by</th></tr></thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id}>
                <td><Badge tone={severityTone(a.severity)}>{a.severity}</Badge></td>
                <td><Link className="text-sky-700 hover:underline" href={`/alerts/${a.id}`}>{a.rule}</Link><div className="text-xs text-slate-500">{a.summary}</div></td>
                <td className="whitespace-nowrap">{fmtTime(a.firedAt)}</td>
                <td className="whitespace-nowrap">{fmtTime(a.resolvedAt)}</td>
                <td className="tabular-nums">{a.firedAt && a.resolvedAt ? ago(a.firedAt, new Date(a.resolvedAt).getTime()) : "—"}</td>
                <td className="tabular-nums">{fmtValue(a.value)}</td>
                <td>{a.ack?.by ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

async function EvaluatorStatus() {
  const leader = await leaderInfo();
  return (
    <p className="text-xs text-slate-500">
      {leader
        ? `Evaluator leader ${leader.holder} since ${fmtTime(leader.since.toISOString())}; last tick ${fmtTime(leader.lastTickAt?.toISOString())} (${leader.lastTickMs ?? "?"} ms).`
        : "No evaluator has run yet: check ALERT_EVALUATOR_ENABLED and the server logs."}
    </p>
  );
}

export default async function AlertsPage() {
  const user = await requirePage("read", "/alerts");
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Rules from alerting/rules.yaml evaluated against live data, plus alerts received from Alertmanager."
        actions={<><Link className={buttonClass.secondary} href="/alerts/silences">Silences</Link><Link className={buttonClass.secondary} href="/runbooks">Runbooks</Link>{can(user.role, "admin") ? <Link className={buttonClass.secondary} href="/alerts/receivers">Receivers</Link> : null}</>}
      />
      <div className="grid gap-4">
        <Suspense fallback={<Skeleton />}><OpenNow /></Suspense>
        <Suspense fallback={null}><DeliveryProblems /></Suspense>
        <Suspense fallback={<Skeleton />}><History /></Suspense>
        <Suspense fallback={null}><EvaluatorStatus /></Suspense>
      </div>
    </>
  );
}
