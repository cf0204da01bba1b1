import { Suspense } from "react";
import Link from "next/link";
import { buttonClass, Card, ErrorNote, inputClass, PageHeader, Skeleton } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { auditFilterSchema, listAudit, type AuditFilter } from "@/lib/fulfillment/dead-letters/audit-log";
import { AuditTable } from "@/components/audit/audit-table";

export const metadata = { title: "Audit" };
export const dynamic = "force-dynamic";

const PATH = "/audit";
const localValue = (d?: Date) => (d ? d.toISOString().slice(0, 16) : "");

function filterJson(f: AuditFilter): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.actor) out.actor = f.actor;
  if (f.action) out.action = f.action;
  if (f.from) out.from = f.from.toISOString();
  if (f.to) out.to = f.to.toISOString();
  return out;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage("read", PATH);
  const raw = await searchParams;
  const parsed = auditFilterSchema.safeParse(raw);
  const filter: AuditFilter = parsed.success ? parsed.data : {};
  const cursor = typeof raw.cursor === "string" ? raw.cursor : undefined;
  return (
    <>
      <PageHeader title="Audit" description="Who did what, when and why: every operator action, newest first." />
      {!parsed.success ? <ErrorNote>Some filters in the URL are invalid ({parsed.error.issues[0]?.message}); showing everything instead.</ErrorNote> : null}
      <Card className="mb-4">
        <form method="get" action={PATH} className="flex flex-wrap items-end gap-3 text-sm" role="search">
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium">Actor</span>
            <input name="actor" defaultValue={filter.actor ?? ""} placeholder="operator@opsdeck.local" className={inputClass} />
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium">Action (prefix)</span>
            <input name="action" defaultValue={filter.action ?? ""} placeholder="fulfillment.dead_letter" className={inputClass} />
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium">From (UTC)</span>
            <input type="datetime-local" name="from" defaultValue={localValue(filter.from)} className={inputClass} />
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium">To (UTC)</span>
            <input type="datetime-local" name="to" defaultValue={localValue(filter.to)} className={inputClass} />
          </label>
          <button type="submit" className={buttonClass.primary}>Apply filters</button>
          <Link href={PATH} className={buttonClass.secondary}>Clear</Link>
        </form>
      </Card>
      <Card title="Audit log">
        <Suspense key={JSON.stringify(filterJson(filter)) + (cursor ?? "")} fallback={<Skeleton />}>
          <AuditRows filter={filter} cursor={cursor} />
        </Suspense>
      </Card>
    </>
  );
}

async function AuditRows({ filter, cursor }: { filter: AuditFilter; cursor?: string }) {
  let page;
  try {
    page = await listAudit(filter, { cursor, limit: 50 });
  } catch (err) {
    return <ErrorNote>{(err as Error).message}</ErrorNote>;
  }
  const qs = (extra: Record<string, string> = {}) => {
    const s = new URLSearchParams({ ...filterJson(filter), ...extra }).toString();
    return s ? `${PATH}?${s}` : PATH;
  };
  return (
    <>
      <AuditTable rows={page.items} />
      <div className="mt-3 flex gap-3 text-sm">
        {cursor ? <Link href={qs()}>← First page</Link> : null}
        {page.nextCursor ? <Link href={qs({ cursor: page.nextCursor })}>Next page →</Link> : null}
      </div>
    </>
  );
}
