import Link from "next/link";
import { Suspense } from "react";
import { z } from "zod";
import { buttonClass, Card, ErrorNote, inputClass, PageHeader, Skeleton } from "@/components/ui";
import { EventsFeed } from "@/components/telemetry/events-feed";
import { requirePage } from "@/lib/platform/auth/identity";
import { eventFacets, listEvents, windowStart } from "@/lib/platform/telemetry/event-queries";
import { EVENT_SEVERITIES, type EventSeverity } from "@/lib/platform/telemetry/events";

export const metadata = { title: "Events" };
export const dynamic = "force-dynamic";

const PATH = "/events";
const WINDOWS = { "15m": 15, "1h": 60, "6h": 360, "24h": 1440, "72h": 4320 } as const;

const filterSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/).optional().catch(undefined),
  severity: z.enum(EVENT_SEVERITIES as [EventSeverity, ...EventSeverity[]]).optional().catch(undefined),
  route: z.string().max(200).optional().catch(undefined),
  request_id: z.string().max(64).optional().catch(undefined),
  trace_id: z.string().regex(/^[0-9a-f]{32}$/).optional().catch(undefined),
  window: z.enum(Object.keys(WINDOWS) as [keyof typeof WINDOWS]).default("1h").catch("1h"),
  before: z.string().regex(/^\d{1,18}$/).optional().catch(undefined),
  tail: z.literal("1").optional().catch(undefined),
});
type Filter = z.infer<typeof filterSchema>;

function clean(f: Partial<Filter>): Record<string, string> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== "")) as Record<string, string>;
}

async function Filters({ filter }: { filter: Filter }) {
  const facets = await eventFacets().catch(() => ({ names: [], routes: [] }));
  const names = [...new Set([...(filter.name ? [filter.name] : []), ...facets.names])];
  const routes = [...new Set([...(filter.route ? [filter.route] : []), ...facets.routes])];
  return (
    <form method="get" action={PATH} className="flex flex-wrap items-end gap-3 text-sm" role="search">
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium">Event</span>
        <select name="name" defaultValue={filter.name ?? ""} className={inputClass}>
          <option value="">All events</option>
          {names.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium">Severity</span>
        <select name="severity" defaultValue={filter.severity ?? ""} className={inputClass}>
          <option value="">Any</option>
          {EVENT_SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium">Route</span>
        <select name="route" defaultValue={filter.route ?? ""} className={inputClass}>
          <option value="">Any route</option>
          {routes.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium">Window</span>
        <select name="window" defaultValue={filter.window} className={inputClass}>
          {Object.keys(WINDOWS).map((w) => <option key={w} value={w}>last {w}</option>)}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium">Request id</span>
        <input name="request_id" defaultValue={filter.request_id ?? ""} className={`${inputClass} w-64`} placeholder="x-request-id" />
      </label>
      <label className="flex items-center gap-2 pb-1.5">
        <input type="checkbox" name="tail" value="1" defaultChecked={filter.tail === "1"} />
        <span>Live tail</span>
      </label>
      <button className={buttonClass.primary} type="submit">Apply</button>
      <Link className="pb-1.5 text-sky-700 hover:underline" href={PATH}>Clear</Link>
    </form>
  );
}

async function Feed({ filter }: { filter: Filter }) {
  const since = windowStart(WINDOWS[filter.window]);
  const page = await listEvents({
    name: filter.name ? [filter.name] : undefined,
    severity: filter.severity ? [filter.severity] : undefined,
    route: filter.route,
    requestId: filter.request_id,
    traceId: filter.trace_id,
    since,
    before: filter.before ? BigInt(filter.before) : undefined,
    limit: 100,
  }).catch((err: unknown) => err as Error);
  if (page instanceof Error) return <ErrorNote>Could not load events: {page.message}. Reload in a moment.</ErrorNote>;
  // The live tail asks the API with the same filters and the window's start.
  const { before: _before, tail: _tail, window: _window, ...rest } = filter;
  const apiQuery = new URLSearchParams({ ...clean(rest), since: since.toISOString() }).toString();
  const tail = filter.tail === "1" && !filter.before;
  return (
    <>
      <EventsFeed key={apiQuery + (filter.before ?? "")} initial={page.events} query={apiQuery} tail={tail} />
      <div className="mt-3 flex gap-4 text-sm">
        {filter.before ? <Link className="text-sky-700 hover:underline" href={`${PATH}?${new URLSearchParams(clean({ ...filter, before: undefined })).toString()}`}>← Newest</Link> : null}
        {page.nextBefore ? <Link className="text-sky-700 hover:underline" href={`${PATH}?${new URLSearchParams(clean({ ...filter, tail: undefined, before: page.nextBefore })).toString()}`}>Older →</Link> : null}
      </div>
    </>
  );
}

export default async function EventsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage("read", PATH);
  const filter = filterSchema.parse(await searchParams);
  return (
    <>
      <PageHeader
        title="Events"
        description="Operational events from every instance: slow requests, slow queries, query-budget overruns, task starts, completions and failures, cache round trips. Follow a request's events or a trace's waterfall from the last column."
      />
      <Card className="mb-4">
        <Suspense fallback={<Skeleton className="h-12" />}><Filters filter={filter} /></Suspense>
      </Card>
      <Card>
        <Suspense fallback={<Skeleton className="h-96" />}><Feed filter={filter} /></Suspense>
      </Card>
    </>
  );
}
