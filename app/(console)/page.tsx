import { Suspense } from "react";
import { PageHeader, Skeleton } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { SystemStatus } from "@/components/system-status";

export const metadata = { title: "Overview" };

export default async function Overview() {
  await requirePage("read", "/");
  return (
    <>
      <PageHeader title="Overview" description="What needs attention first, then the state of each area." />
      <div className="grid gap-4">
        <Suspense fallback={<Skeleton />}>
          <SystemStatus />
        </Suspense>
      </div>
    </>
  );
}
