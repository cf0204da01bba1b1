import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, Card, PageHeader } from "@/components/ui";
import { ago, fmtValue, stateTone } from "@/components/alerts/format";
import { requirePage } from "@/lib/platform/auth/identity";
import { readRunbook } from "@/lib/alerting/runbooks";
import { openAlerts, resolvedAlerts } from "@/lib/alerting/queries";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return { title: readRunbook(slug)?.title ?? "Runbook" };
}

export default async function RunbookPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  await requirePage("read", `/runbooks/${slug}`);
  const book = readRunbook(slug);
  if (!book) notFound();
  const [open, recent] = await Promise.all([openAlerts({ runbook: slug }), resolvedAlerts(5, { runbook: slug })]);
  return (
    <>
      <PageHeader title={book.title} description={<><Link href="/runbooks" className="text-sky-700 hover:underline">Runbooks</Link> · used by {book.rules.join(", ") || "no rule"}</>} />
      <div className="grid gap-4">
        <Card title="Live state" action={<Badge tone={open.some((a) => a.state === "firing") ? "bad" : "good"}>{open.some((a) => a.state === "firing") ? "firing now" : "quiet"}</Badge>}>
          <ul className="space-y-1 text-sm" data-testid="runbook-live">
            {open.map((a) => (
              <li key={a.id} className="flex flex-wrap items-center gap-2">
                <Badge tone={stateTone(a.state)}>{a.state}</Badge>
                <Link className="text-sky-700 hover:underline" href={`/alerts/${a.id}`}>{a.rule}</Link>
                <span className="text-slate-600">{a.summary} · value {fmtValue(a.value)} · for {ago(a.firedAt ?? a.activeAt)}</span>
                {a.ack ? <Badge tone="info">ack: {a.ack.by}</Badge> : null}
              </li>
            ))}
            {open.length === 0 ? <li className="text-slate-500">No alert using this runbook is firing or pending.</li> : null}
            {recent.map((a) => (
              <li key={a.id} className="text-xs text-slate-500">
                Resolved {ago(a.resolvedAt)} ago: <Link className="hover:underline" href={`/alerts/${a.id}`}>{a.rule}</Link> ({a.summary})
              </li>
            ))}
          </ul>
        </Card>
        <Card>
          <article
            className="prose-runbook text-sm leading-6 [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 dark:[&_code]:bg-slate-800 [&_h1]:hidden [&_h2]:mt-5 [&_h2]:mb-2 [&_h2]:text-base [&_h2]:font-semibold [&_li]:ml-5 [&_ol]:list-decimal [&_p]:my-2 [&_pre]:my-3 [&_pre]:overflow-x-auto [&_pre]:rounded-md [&_pre]:bg-slate-900 [&_pre]:p-3 [&_pre]:text-slate-100 [&_pre_code]:bg-transparent [&_a]:text-sky-700 [&_a]:underline [&_table]:my-3 [&_table]:w-full [&_td]:border [&_td]:border-slate-200 [&_td]:px-2 [&_td]:py-1 [&_th]:border [&_th]:border-slate-200 [&_th]:bg-slate-50 [&_th]:px-2 [&_th]:py-1 [&_th]:text-left [&_ul]:list-disc dark:[&_th]:bg-slate-800"
            // Rendered from a repository file under docs/runbooks (reviewed content; raw HTML escaped).
            dangerouslySetInnerHTML={{ __html: book.html }}
          />
        </Card>
      </div>
    </>
  );
}
