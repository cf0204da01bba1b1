import { Suspense } from "react";
import Link from "next/link";
import { WindowNav } from "@/components/window-nav";
import { dbError, hrefWith as linkWith, one, plain, type SearchParams } from "@/components/page-params";
import { ErrorNote, PageHeader, Skeleton } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { FAILURE_KINDS, messageJourney, panelSnapshot, recentExtractionErrors, recentFailures, recentOffers } from "@/lib/whatsapp/stats";
import { Collectors, LatencyChart, MessageJourney, RecentFailures, RecentOffers, RejectionsChart, Tiles, type Journey, type PanelData } from "@/components/whatsapp/widgets";
import { HarnessReports } from "@/components/whatsapp/harness-reports";
import { listHarnessReports } from "@/lib/whatsapp/harness-reports";

export const metadata = { title: "WhatsApp ingest" };
export const dynamic = "force-dynamic";

const WINDOWS = { "15m": 15, "1h": 60, "6h": 360 } as const;
type Window = keyof typeof WINDOWS;
type Params = SearchParams;
const hrefWith = (params: Params, change: Record<string, string | null>) => linkWith("/whatsapp", params, change);

async function PanelWidgets({ window, kind }: { window: Window; kind: "tiles" | "charts" | "collectors" }) {
  let initial: PanelData;
  try {
    initial = plain<PanelData>(await panelSnapshot(WINDOWS[window]));
  } catch (err) {
    return dbError("WhatsApp figures", err);
  }
  if (kind === "tiles") return <Tiles window={window} initial={initial} />;
  if (kind === "collectors") return <Collectors window={window} initial={initial} />;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <RejectionsChart window={window} initial={initial} />
      <LatencyChart window={window} initial={initial} />
    </div>
  );
}

async function FailuresWidget({ params }: { params: Params }) {
  const kind = FAILURE_KINDS.find((k) => k === one(params.kind));
  const client = one(params.client);
  const clientId = client && /^[A-Za-z0-9._:@-]{1,64}$/.test(client) ? client : undefined;
  const reason = one(params.reason);
  const reasonCode = reason && /^[a-z_]{1,60}$/.test(reason) ? reason : undefined;
  const query = new URLSearchParams({ ...(kind ? { kind } : {}), ...(clientId ? { client_id: clientId } : {}), ...(reasonCode ? { reason: reasonCode } : {}) }).toString();
  let initial;
  try {
    initial = plain<Awaited<ReturnType<typeof recentFailures>>>(await recentFailures({ kind, client_id: clientId, reason: reasonCode }));
  } catch (err) {
    return dbError("recent failures", err);
  }
  const filters = (
    <form method="get" action="/whatsapp" className="flex flex-wrap items-center gap-2 text-sm" aria-label="Filter recent failures">
      {Object.entries(params).map(([k, v]) => (typeof v === "string" && !["kind", "client", "reason"].includes(k) ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      <select name="kind" defaultValue={kind ?? ""} aria-label="Kind" className="rounded border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-900">
        <option value="">all kinds</option>
        {FAILURE_KINDS.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      <input name="client" defaultValue={clientId ?? ""} placeholder="client id" aria-label="Client id" className="w-32 rounded border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-900" />
      <input name="reason" defaultValue={reasonCode ?? ""} placeholder="reason" aria-label="Reason" className="w-32 rounded border border-slate-300 px-2 py-1 dark:border-slate-700 dark:bg-slate-900" />
      <button type="submit" className="rounded bg-sky-700 px-2 py-1 text-white">Filter</button>
      {kind || clientId || reasonCode ? (
        <Link href={hrefWith(params, { kind: null, client: null, reason: null })} className="underline">
          clear
        </Link>
      ) : null}
    </form>
  );
  return <RecentFailures query={query} initial={initial} filters={filters} />;
}

/** Reads a widget's data; a failure becomes a note in that widget only. */
async function load<T>(read: () => Promise<T>): Promise<{ data: T; error: null } | { data: null; error: unknown }> {
  try {
    return { data: plain<T>(await read()), error: null };
  } catch (error) {
    return { data: null, error };
  }
}

async function OffersWidget() {
  const r = await load(async () => {
    const [offers, errors] = await Promise.all([recentOffers(15), recentExtractionErrors(15)]);
    return { offers, extraction_errors: errors };
  });
  return r.error ? dbError("recent offers", r.error) : <RecentOffers initial={r.data!} />;
}

async function JourneyWidget({ id, params }: { id: string; params: Params }) {
  if (!/^[1-9]\d{0,17}$/.test(id)) return <ErrorNote>&quot;{id.slice(0, 40)}&quot; is not a message id; open a message from the offers or errors lists.</ErrorNote>;
  let j;
  try {
    j = await messageJourney(id);
  } catch (err) {
    return dbError("the message", err);
  }
  if (!j) return <ErrorNote>Message #{id} was not found; it may have been removed. Open another from the lists below.</ErrorNote>;
  return <MessageJourney id={id} initial={plain<Journey>(j)} closeHref={hrefWith(params, { message: null })} />;
}

async function HarnessWidget({ canOperate }: { canOperate: boolean }) {
  const r = await load(() => listHarnessReports(10));
  return r.error ? dbError("harness reports", r.error) : <HarnessReports initial={r.data!} canOperate={canOperate} />;
}

export default async function WhatsappPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requirePage("read", "/whatsapp");
  const params = await searchParams;
  const raw = one(params.window);
  const window: Window = raw && raw in WINDOWS ? (raw as Window) : "1h";
  const message = one(params.message);
  return (
    <>
      <PageHeader
        title="WhatsApp ingest"
        description="Collectors' batches from arrival to offer, live (refreshes every 5 s). Figures come from the database, across every instance."
        actions={
          <WindowNav windows={Object.keys(WINDOWS)} current={window} href={(w) => hrefWith(params, { window: w })} />
        }
      />
      <div className="grid gap-4">
        {message ? (
          <Suspense key={message} fallback={<Skeleton className="h-48" />}>
            <JourneyWidget id={message} params={params} />
          </Suspense>
        ) : null}
        <Suspense key={`tiles-${window}`} fallback={<Skeleton className="h-24" />}>
          <PanelWidgets window={window} kind="tiles" />
        </Suspense>
        <Suspense key={`charts-${window}`} fallback={<Skeleton className="h-64" />}>
          <PanelWidgets window={window} kind="charts" />
        </Suspense>
        <Suspense fallback={<Skeleton className="h-64" />}>
          <FailuresWidget params={params} />
        </Suspense>
        <Suspense fallback={<Skeleton className="h-64" />}>
          <OffersWidget />
        </Suspense>
        <Suspense key={`collectors-${window}`} fallback={<Skeleton className="h-40" />}>
          <PanelWidgets window={window} kind="collectors" />
        </Suspense>
        <Suspense fallback={<Skeleton className="h-40" />}>
          <HarnessWidget canOperate={can(user.role, "operate")} />
        </Suspense>
      </div>
    </>
  );
}
