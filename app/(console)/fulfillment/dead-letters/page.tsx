import { Suspense } from "react";
import Link from "next/link";
import { Badge, buttonClass, Card, ErrorNote, inputClass, PageHeader, Skeleton, tableClass } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { TASK_TYPE_NAMES } from "@/lib/task-types";
import { deadLetterFilterSchema, filterToJson, type DeadLetterFilter } from "@/lib/fulfillment/dead-letters/filter";
import { errorGroups, listDeadLetters } from "@/lib/fulfillment/dead-letters/queries";
import { DeadLetterTable } from "@/components/dead-letters/dead-letter-table";
import { BulkAction } from "@/components/dead-letters/bulk-action";

export const metadata = { title: "Dead letters" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;
const PATH = "/fulfillment/dead-letters";

function href(filter: Record<string, string>, extra: Record<string, string> = {}): string {
  const qs = new URLSearchParams({ ...filter, ...extra }).toString();
  return qs ? `${PATH}?${qs}` : PATH;
}

/** datetime-local inputs carry no zone; the console states times in UTC. */
const localValue = (d?: Date) => (d ? d.toISOString().slice(0, 16) : "");

export default async function DeadLettersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requirePage("read", PATH);
  const canOperate = can(user.role, "operate");
  const raw = await searchParams;
  const parsed = deadLetterFilterSchema.safeParse(raw);
  const filter: DeadLetterFilter = parsed.success ? parsed.data : {};
  const filterJson = filterToJson(filter);
  const cursor = typeof raw.cursor === "string" ? raw.cursor : undefined;

  return (
    <>
      <PageHeader
        title="Dead letters"
        description="Fulfillment tasks that exhausted their attempts or failed with a non-retryable error. Filter, inspect, then retry or discard — every action is audited."
      />
      {!parsed.success ? <ErrorNote>Some filters in the URL are invalid ({parsed.error.issues[0]?.message}); showing all dead letters instead.</ErrorNote> : null}
      <Card className="mb-4">
        <form method="get" action={PATH} className="flex flex-wrap items-end gap-3 text-sm" role="search">
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium">Task type</span>
            <select name="type" defaultValue={filter.type ?? ""} className={inputClass}>
              <option value="">All types</option>
              {TASK_TYPE_NAMES.map((t) => (
                <option key={t} value={t}>{t}</option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium">Dead-lettered from (UTC)</span>
            <input type="datetime-local" name="from" defaultValue={localValue(filter.from)} className={inputClass} />
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium">to (UTC)</span>
            <input type="datetime-local" name="to" defaultValue={localValue(filter.to)} className={inputClass} />
          </label>
          <label className="flex flex-col gap-1">
            <span className="text-xs font-medium">Error text</span>
            <input type="search" name="q" defaultValue={filter.q ?? ""} placeholder="class or message, e.g. timeout" className={`${inputClass} w-64`} />
          </label>
          {filter.group ? <input type="hidden" name="group" value={filter.group} /> : null}
          <button type="submit" className={buttonClass.primary}>Apply filters</button>
          <Link href={PATH} className={buttonClass.secondary}>Clear</Link>
          {filter.group ? (
            <span className="flex items-center gap-1">
              <Badge tone="info">error group {filter.group.slice(0, 12)}</Badge>
              <Link href={href(Object.fromEntries(Object.entries(filterJson).filter(([k]) => k !== "group")))} className="text-xs underline">remove</Link>
            </span>
          ) : null}
        </form>
      </Card>
      <div className="grid gap-4">
        <Suspense fallback={<Skeleton />}>
          <ErrorGroups filter={filter} filterJson={filterJson} canOperate={canOperate} />
        </Suspense>
        <Card title="Dead-lettered tasks">
          {canOperate ? (
            <div className="mb-3 flex flex-wrap items-start gap-2">
              <BulkAction action="retry" filter={filterJson} label="Retry all matching…" />
              <BulkAction action="discard" filter={filterJson} label="Discard all matching…" />
            </div>
          ) : null}
          <Suspense key={JSON.stringify(filterJson) + (cursor ?? "")} fallback={<Skeleton />}>
            <TaskList filter={filter} filterJson={filterJson} cursor={cursor} canOperate={canOperate} />
          </Suspense>
        </Card>
      </div>
    </>
  );
}

async function TaskList({ filter, filterJson, cursor, canOperate }: { filter: DeadLetterFilter; filterJson: Record<string, string>; cursor?: string; canOperate: boolean }) {
  let page;
  try {
    page = await listDeadLetters(filter, { cursor, limit: 50 });
  } catch (err) {
    return <ErrorNote>{(err as Error).message}</ErrorNote>;
  }
  return (
    <>
      <DeadLetterTable rows={page.items} canOperate={canOperate} />
      <div className="mt-3 flex gap-3 text-sm">
        {cursor ? <Link href={href(filterJson)}>← First page</Link> : null}
        {page.nextCursor ? <Link href={href(filterJson, { cursor: page.nextCursor })}>Next page →</Link> : null}
      </div>
    </>
  );
}

async function ErrorGroups({ filter, filterJson, canOperate }: { filter: DeadLetterFilter; filterJson: Record<string, string>; canOperate: boolean }) {
  const groups = await errorGroups(filter, 20);
  if (groups.length === 0) return null;
  return (
    <Card title="Error groups (same class, normalised message and top frame)">
      <div className="overflow-x-auto">
        <table className={tableClass}>
          <thead>
            <tr><th>Count</th><th>Error</th><th>Task types</th><th>First seen</th><th>Last seen</th>{canOperate ? <th>Whole group</th> : null}</tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.fingerprint} data-testid="error-group">
                <td className="tabular-nums font-semibold">{g.count.toLocaleString()}</td>
                <td className="max-w-md">
                  <Link href={href({ ...filterJson, group: g.fingerprint })} className="font-mono text-xs">{g.errorClass ?? "(no class)"}</Link>
                  <div className="truncate text-xs text-slate-600 dark:text-slate-400" title={g.sampleMessage ?? ""}>{g.sampleMessage}</div>
                </td>
                <td className="text-xs">{g.taskTypes.join(", ")}</td>
                <td className="whitespace-nowrap text-xs">{g.firstSeen.slice(0, 19).replace("T", " ")}Z</td>
                <td className="whitespace-nowrap text-xs">{g.lastSeen.slice(0, 19).replace("T", " ")}Z</td>
                {canOperate ? (
                  <td>
                    <div className="flex gap-2">
                      <BulkAction action="retry" filter={{ ...filterJson, group: g.fingerprint }} label="Retry group…" />
                      <BulkAction action="discard" filter={{ ...filterJson, group: g.fingerprint }} label="Discard group…" />
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
