import Link from "next/link";
import { Badge, Card, Empty, PageHeader, tableClass } from "@/components/ui";
import { ExpireSilenceButton, SilenceForm } from "@/components/alerts/silence-form";
import { fmtTime } from "@/components/alerts/format";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { listSilences } from "@/lib/alerting/queries";
import { formatMatcher } from "@/lib/alerting/matchers";

export const dynamic = "force-dynamic";
export const metadata = { title: "Silences" };

export default async function SilencesPage({ searchParams }: { searchParams: Promise<{ matchers?: string }> }) {
  const user = await requirePage("read", "/alerts/silences");
  const { matchers } = await searchParams;
  const operator = can(user.role, "operate");
  const silences = await listSilences();
  return (
    <>
      <PageHeader title="Silences" description={<><Link href="/alerts" className="text-sky-700 hover:underline">Alerts</Link> · Mute notifications for alerts matching labels, for a while, with a reason.</>} />
      <div className="grid gap-4">
        {operator ? (
          <Card title="New silence">
            <SilenceForm initialMatchers={typeof matchers === "string" ? matchers : ""} />
          </Card>
        ) : null}
        <Card title="Silences">
          {silences.length === 0 ? (
            <Empty>No silences.</Empty>
          ) : (
            <table className={tableClass}>
              <thead><tr><th>State</th><th>Matchers</th><th>Until</th><th>Comment</th><th>By</th><th /></tr></thead>
              <tbody>
                {silences.map((s) => (
                  <tr key={s.id}>
                    <td><Badge tone={s.status === "active" ? "warn" : "neutral"}>{s.status}</Badge></td>
                    <td className="font-mono text-xs">{s.matchers.map(formatMatcher).join(", ")}</td>
                    <td className="whitespace-nowrap">{fmtTime(s.endsAt)}</td>
                    <td>{s.comment}</td>
                    <td className="text-xs">{s.createdBy}{s.expiredBy ? ` · expired by ${s.expiredBy}` : ""}</td>
                    <td>{operator && s.status !== "expired" ? <ExpireSilenceButton id={s.id} /> : null}</td>
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
