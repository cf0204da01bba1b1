import { cache, Suspense } from "react";
import Link from "next/link";
import { WindowNav } from "@/components/window-nav";
import { buttonClass, ErrorNote, inputClass, PageHeader, Skeleton } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { EVENT_OUTCOMES, EVENT_TYPE_FILTERS, listEvents, PANEL_WINDOWS, panelSnapshot, type EventFilter, type PanelWindow } from "@/lib/payments/stats";
import { FailureChart, PaymentTiles, RecentFailures } from "@/components/payments/live-panel";
import { WebhookEventLog } from "@/components/payments/event-log";
import type { PaymentsPanel, WebhookEventPage } from "@/components/payments/types";

export const metadata = { title: "Payments" };
export const dynamic = "force-dynamic";

const WINDOWS = Object.keys(PANEL_WINDOWS) as PanelWindow[];
const PATH = "/payments";

// One database read per request, however many widgets show the panel; JSON round-trip so the
// client components get exactly what the polling endpoint returns.
const loadPanel = cache(async (window: PanelWindow): Promise<PaymentsPanel> => JSON.parse(JSON.stringify(await panelSnapshot(window))));

type Widget = (props: { window: string; initial: PaymentsPanel }) => React.ReactNode;

async function PanelWidget({ window, Show }: { window: PanelWindow; Show: Widget }) {
  let initial: PaymentsPanel;
  try {
    initial = await loadPanel(window);
  } catch (err) {
    return <ErrorNote>Could not read payment figures from the database ({(err as Error).message}). Check /api/readyz.</ErrorNote>;
  }
  return <Show window={window} initial={initial} />;
}

async function EventLog({ filter, query, canOperate }: { filter: EventFilter; query: string; canOperate: boolean }) {
  let initial: WebhookEventPage;
  try {
    initial = JSON.parse(JSON.stringify(await listEvents(filter)));
  } catch (err) {
    return <ErrorNote>Could not read the webhook event log ({(err as Error).message}). Check /api/readyz.</ErrorNote>;
  }
  return <WebhookEventLog query={query} initial={initial} canOperate={canOperate} />;
}

const pick = <T extends string>(raw: unknown, allowed: readonly T[]): T | undefined => (typeof raw === "string" && (allowed as readonly string[]).includes(raw) ? (raw as T) : undefined);

export default async function PaymentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePage("read", PATH);
  const sp = await searchParams;
  const window = pick(sp.window, WINDOWS) ?? "1h";
  const type = pick(sp.type, EVENT_TYPE_FILTERS);
  const outcome = pick(sp.outcome, EVENT_OUTCOMES);
  const filter: EventFilter = { type, outcome, limit: 50 };
  const query = new URLSearchParams({ ...(type ? { type } : {}), ...(outcome ? { outcome } : {}), limit: "50" }).toString();
  const withWindow = (w: PanelWindow) => `${PATH}?${new URLSearchParams({ window: w, ...(type ? { type } : {}), ...(outcome ? { outcome } : {}) })}`;
  return (
    <>
      <PageHeader
        title="Payments"
        description="Checkouts and Stripe webhooks, live (refreshes every 5 s). Figures come from the database, across every instance."
        actions={<WindowNav windows={WINDOWS} current={window} href={(w) => withWindow(w as PanelWindow)} />}
      />
      <div className="grid gap-4">
        <Suspense key={`tiles-${window}`} fallback={<Skeleton className="h-28" />}>
          <PanelWidget window={window} Show={PaymentTiles} />
        </Suspense>
        <div className="grid gap-4 xl:grid-cols-2">
          <Suspense key={`chart-${window}`} fallback={<Skeleton className="h-72" />}>
            <PanelWidget window={window} Show={FailureChart} />
          </Suspense>
          <Suspense key={`failures-${window}`} fallback={<Skeleton className="h-72" />}>
            <PanelWidget window={window} Show={RecentFailures} />
          </Suspense>
        </div>
        <form method="get" action={PATH} className="flex flex-wrap items-end gap-2" aria-label="Filter webhook events">
          <input type="hidden" name="window" value={window} />
          <label className="grid gap-1 text-xs text-slate-500">
            Event type
            <select name="type" defaultValue={type ?? ""} className={inputClass}>
              <option value="">all types</option>
              {EVENT_TYPE_FILTERS.map((t) => <option key={t} value={t}>{t === "other" ? "other (no handler)" : t}</option>)}
            </select>
          </label>
          <label className="grid gap-1 text-xs text-slate-500">
            Outcome
            <select name="outcome" defaultValue={outcome ?? ""} className={inputClass}>
              <option value="">all outcomes</option>
              {EVENT_OUTCOMES.map((o) => <option key={o} value={o}>{o}</option>)}
            </select>
          </label>
          <button type="submit" className={buttonClass.secondary}>Filter</button>
          {type || outcome ? <Link href={`${PATH}?window=${window}`} className="text-sm text-sky-700 underline dark:text-sky-400">clear</Link> : null}
        </form>
        <Suspense key={query} fallback={<Skeleton className="h-96" />}>
          <EventLog filter={filter} query={query} canOperate={can(user.role, "operate")} />
        </Suspense>
      </div>
    </>
  );
}
