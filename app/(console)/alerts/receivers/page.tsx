import Link from "next/link";
import { Badge, Card, Empty, PageHeader, tableClass } from "@/components/ui";
import { DeleteReceiverButton, ReceiverForm } from "@/components/alerts/receiver-form";
import { requirePage } from "@/lib/platform/auth/identity";
import { listReceiversForUi } from "@/lib/alerting/notify/admin";

export const dynamic = "force-dynamic";
export const metadata = { title: "Alert receivers" };

export default async function ReceiversPage() {
  await requirePage("admin", "/alerts/receivers");
  const receivers = await listReceiversForUi();
  return (
    <>
      <PageHeader title="Alert receivers" description={<><Link href="/alerts" className="text-sky-700 hover:underline">Alerts</Link> · Where notifications go. Secrets are stored and never shown again.</>} />
      <div className="grid gap-4">
        <Card title="Receivers">
          {receivers.length === 0 ? (
            <Empty>No receiver: alerts are only visible in Opsdeck. Set SLACK_WEBHOOK_URL / PAGERDUTY_ROUTING_KEY / ALERT_WEBHOOK_URL, or add one below.</Empty>
          ) : (
            <table className={tableClass}>
              <thead><tr><th>Name</th><th>Kind</th><th>Routes</th><th>Secret</th><th>Source</th><th /></tr></thead>
              <tbody>
                {receivers.map((r) => (
                  <tr key={r.name}>
                    <td className="font-medium">{r.name}</td>
                    <td>{r.kind}</td>
                    <td className="font-mono text-xs">{Object.entries(r.match).map(([k, v]) => `${k}=${v}`).join(", ") || "everything"}</td>
                    <td className="text-xs text-slate-600">{r.secret}</td>
                    <td><Badge tone={r.source === "env" ? "neutral" : "info"}>{r.source === "env" ? "environment" : "admin UI"}</Badge></td>
                    <td>{r.id ? <DeleteReceiverButton id={r.id} name={r.name} /> : <span className="text-xs text-slate-400">change the env to edit</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title="Add a receiver">
          <ReceiverForm />
        </Card>
      </div>
    </>
  );
}
