import { Suspense } from "react";
import { PageHeader, Skeleton } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { SystemStatus } from "@/components/system-status";
import { FiringAlerts } from "@/components/alerts/firing-alerts";
import { CatalogSummary } from "@/components/catalog/catalog-summary";
import { can } from "@/lib/platform/auth/roles";

export const metadata = { title: "Overview" };

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
      <PageHeader title="Overview" description="What needs attention first, then the state of each area." />
      <div className="grid gap-4">
        {user.role === "merchandiser" ? catalog : null}
        {/* Firing alerts first: the first thing on-call staff should see. */}
        <Suspense fallback={<Skeleton />}>
          <FiringAlerts />
        </Suspense>
        <Suspense fallback={<Skeleton />}>
          <SystemStatus />
        </Suspense>
        {user.role === "merchandiser" ? null : catalog}
      </div>
    </>
  );
}
