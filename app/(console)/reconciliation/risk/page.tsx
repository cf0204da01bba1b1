import { Suspense } from "react";
import Link from "next/link";
import { PageHeader, Skeleton, buttonClass } from "@/components/ui";
import { dbError, plain, type SearchParams } from "@/components/page-params";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { pool } from "@/lib/platform/db";
import { riskData } from "@/lib/reconciliation/stats";
import { listAffiliates } from "@/lib/reconciliation/affiliates";
import { SEVERITIES, type Severity } from "@/lib/reconciliation/classify";
import { Affiliates, RiskOverview, type AffiliateRow, type RiskData } from "@/components/reconciliation/risk-widgets";

export const metadata = { title: "Reconciliation risk" };
export const dynamic = "force-dynamic";

type Params = SearchParams;

async function Overview({ severity }: { severity?: Severity }) {
  let initial: RiskData;
  try {
    initial = plain<RiskData>(await riskData(pool(), { severity }));
  } catch (err) {
    return dbError("risk figures", err);
  }
  return <RiskOverview query={severity ? `severity=${severity}` : ""} initial={initial} severityHref="/reconciliation/risk?severity=__SEV__" />;
}

async function AffiliatesWidget({ canAdmin }: { canAdmin: boolean }) {
  let initial: AffiliateRow[];
  try {
    initial = plain<AffiliateRow[]>(await listAffiliates());
  } catch (err) {
    return dbError("affiliates", err);
  }
  return <Affiliates initial={initial} canAdmin={canAdmin} />;
}

export default async function RiskPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requirePage("read", "/reconciliation/risk");
  const params = await searchParams;
  const raw = typeof params.severity === "string" ? params.severity : undefined;
  const severity = SEVERITIES.find((s) => s === raw);
  return (
    <>
      <PageHeader
        title="Reconciliation risk"
        description={
          <>
            Overclaim alerts, trust scores and their movers, live (refreshes every 5 s).{" "}
            {severity ? (
              <>
                Showing {severity} alerts only — <Link href="/reconciliation/risk" className="underline">all severities</Link>.
              </>
            ) : null}
          </>
        }
        actions={
          <Link href="/reconciliation" className={buttonClass.secondary}>
            Reconciliation
          </Link>
        }
      />
      <div className="grid gap-4">
        <Suspense key={severity ?? "all"} fallback={<Skeleton className="h-64" />}>
          <Overview severity={severity} />
        </Suspense>
        <Suspense fallback={<Skeleton className="h-48" />}>
          <AffiliatesWidget canAdmin={can(user.role, "admin")} />
        </Suspense>
      </div>
    </>
  );
}
