import Link from "next/link";
import { Badge, Card, Empty, PageHeader, tableClass } from "@/components/ui";
import { stateTone } from "@/components/alerts/format";
import { requirePage } from "@/lib/platform/auth/identity";
import { listRunbooks } from "@/lib/alerting/runbooks";
import { openAlerts } from "@/lib/alerting/queries";

export const dynamic = "force-dynamic";
export const metadata = { title: "Runbooks" };

export default async function RunbooksIndex() {
  await requirePage("read", "/runbooks");
  const [books, open] = await Promise.all([Promise.resolve(listRunbooks()), openAlerts()]);
  return (
    <>
      <PageHeader title="Runbooks" description="What to do when an alert fires. Every alert rule points to one of these (docs/runbooks in the repository)." />
      <Card>
        {books.length === 0 ? (
          <Empty>No runbooks found in docs/runbooks.</Empty>
        ) : (
          <table className={tableClass}>
            <thead><tr><th>Runbook</th><th>Alert rules</th><th>Now</th></tr></thead>
            <tbody>
              {books.map((b) => {
                const live = open.filter((a) => a.runbook === b.slug);
                return (
                  <tr key={b.slug}>
                    <td><Link className="font-medium text-sky-700 hover:underline" href={`/runbooks/${b.slug}`}>{b.title}</Link></td>
                    <td className="text-xs">{b.rules.join(", ") || "—"}</td>
                    <td>{live.length ? live.map((a) => <Badge key={a.id} tone={stateTone(a.state)}>{a.rule} {a.state}</Badge>) : <Badge tone="good">quiet</Badge>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
