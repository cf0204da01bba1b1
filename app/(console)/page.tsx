import { Suspense } from "react";
import { PageHeader, Skeleton } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { FiringAlerts } from "@/components/alerts/firing-alerts";
import { CatalogSummary } from "@/components/catalog/catalog-summary";
import { can } from "@/lib/platform/auth/roles";
import { AreaTiles, TILE_CLASS } from "@/components/overview/area-tiles";
import { SystemChecks } from "@/components/overview/system-checks";
import { overviewTiles } from "@/lib/domains";
import { overviewSystemData, overviewTilesData } from "@/lib/platform/overview-data";

export const metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

async function Tiles() {
  return <AreaTiles initial={await overviewTilesData()} />;
}

async function System() {
  return <SystemChecks initial={await overviewSystemData()} />;
}

/** Placeholders of the tiles' exact size and count: the first paint does not move when they arrive. */
function TileSkeletons() {
  return (
    <div>
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {overviewTiles.map((t) => (
          <div key={t.area} className={`${TILE_CLASS} animate-pulse`} />
        ))}
      </div>
      <p className="mt-1 h-4" />
    </div>
  );
}

export default async function Overview() {
  const user = await requirePage("read", "/");
  // Merchandisers start from their catalog figures; admins see them after the on-call widgets.
  const catalog = can(user.role, "catalog") ? (
    <Suspense fallback={<Skeleton />}>
      <CatalogSummary />
    </Suspense>
  ) : null;
  return (
    <>
      <PageHeader title="Overview" description="Is anything wrong, and where: firing alerts first, then each area's state. Everything refreshes every 5 seconds." />
      <div className="grid gap-4">
        {user.role === "merchandiser" ? catalog : null}
        {/* Firing alerts first: the first thing on-call staff should see. */}
        <Suspense fallback={<Skeleton className="h-[22.5rem]" />}>
          <FiringAlerts />
        </Suspense>
        <Suspense fallback={<TileSkeletons />}>
          <Tiles />
        </Suspense>
        <Suspense fallback={<Skeleton className="h-48" />}>
          <System />
        </Suspense>
        {user.role === "merchandiser" ? null : catalog}
      </div>
    </>
  );
}
