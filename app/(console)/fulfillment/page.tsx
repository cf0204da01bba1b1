import { Suspense } from "react";
import { WindowNav } from "@/components/window-nav";
import { ErrorNote, PageHeader, Skeleton } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { PANEL_WINDOWS, panelSnapshot, type PanelWindow } from "@/lib/fulfillment/stats";
import { LivePanel, type PanelData } from "@/components/fulfillment/live-panel";

export const metadata = { title: "Fulfillment" };
export const dynamic = "force-dynamic";

const WINDOWS = Object.keys(PANEL_WINDOWS) as PanelWindow[];

async function Panel({ window }: { window: PanelWindow }) {
  let initial: PanelData;
  try {
    // JSON round-trip: the client component gets exactly what the polling endpoint returns.
    initial = JSON.parse(JSON.stringify(await panelSnapshot(window))) as PanelData;
  } catch (err) {
    return <ErrorNote>Could not read fulfillment figures from the database ({(err as Error).message}). Check /api/readyz.</ErrorNote>;
  }
  return <LivePanel window={window} initial={initial} />;
}

export default async function FulfillmentPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage("read", "/fulfillment");
  const raw = (await searchParams).window;
  const window: PanelWindow = typeof raw === "string" && (WINDOWS as string[]).includes(raw) ? (raw as PanelWindow) : "1h";
  return (
    <>
      <PageHeader
        title="Fulfillment"
        description="Queue, throughput and workers, live (refreshes every 5 s). Figures come from the database, across every worker."
        actions={<WindowNav windows={WINDOWS} current={window} href={(w) => `/fulfillment?window=${w}`} />}
      />
      <Suspense key={window} fallback={<Skeleton className="h-96" />}>
        <Panel window={window} />
      </Suspense>
    </>
  );
}
