import Link from "next/link";
import { Suspense } from "react";
import { PageHeader, Skeleton, ErrorNote } from "@/components/ui";
import { SloSummary } from "@/components/slo/slo-summary";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { pool } from "@/lib/platform/db";
import { loadSlos, type SloDefinition } from "@/lib/slo/definitions";
import { cachedStatus, computeHistory } from "@/lib/slo/status";

export const metadata = { title: "SLOs" };
export const dynamic = "force-dynamic";

async function SloCard({ slo }: { slo: SloDefinition }) {
  const now = new Date();
  const data = await Promise.all([cachedStatus(pool(), slo, now), computeHistory(pool(), slo, now)]).catch(() => null);
  if (!data) return <ErrorNote>Could not compute “{slo.displayName}” right now (database unavailable?). Reload in a moment.</ErrorNote>;
  return <SloSummary status={data[0]} history={data[1]} />;
}

export default async function SlosPage() {
  const user = await requirePage("read", "/slos");
  const slos = loadSlos();
  return (
    <>
      <PageHeader
        title="Service level objectives"
        description="What we promise, whether we keep it, and how much room for failure (error budget) is left this window. Figures update on every visit."
        actions={can(user.role, "admin") ? <Link className="text-sm text-sky-700 hover:underline" href="/exports">Exports for Prometheus / Grafana →</Link> : undefined}
      />
      <div className="grid gap-4">
        {slos.map((slo) => (
          <Suspense key={slo.name} fallback={<Skeleton className="h-64" />}>
            <SloCard slo={slo} />
          </Suspense>
        ))}
      </div>
      <p className="mt-6 text-xs text-slate-500">
        How to read this: the <strong>error budget</strong> is the share of failures the promise allows (e.g. 1 in 100). “82% left” means 18% of the
        allowed failures have happened in the window. A <strong>burn rate</strong> of 1× spends the budget exactly over the window; above 1× it runs out early.
      </p>
    </>
  );
}
