import { Suspense } from "react";
import { PageHeader, Skeleton } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { SystemStatus } from "@/components/system-status";
import { FiringAlerts } from "@/components/alerts/firing-alerts";

export const metadata = { title: "Overview" };

export default async function Overview() {
  await requirePage("read", "/");
  return (
    <>
      <PageHeader title="Overview" description="What needs attention first, then the state of each area." />
      <div className="grid gap-4">
        {/* Firing alerts first: the first thing on-call staff should see. */}
        <Suspense fallback={<Skeleton />}>
          <FiringAlerts />
        </Suspense>
        <Suspense fallback={<Skeleton />}>
          <SystemStatus />
        </Suspense>
      </div>
    </>
  );
}
