import { Suspense } from "react";
import Link from "next/link";
import { ErrorNote, PageHeader, Skeleton } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { platformBreakerBoard } from "@/lib/reconciliation/breakers";
import { BreakerBoard, BreakerSummary } from "@/components/reconciliation/breakers/board";
import type { BoardView } from "@/components/reconciliation/breakers/types";

export const metadata = { title: "Circuit breakers" };
export const dynamic = "force-dynamic";

/** JSON round-trip: the client widgets get exactly what their polling endpoint returns. */
async function board(): Promise<BoardView | Error> {
  try {
    return JSON.parse(JSON.stringify({ generatedAt: new Date(), breakers: await platformBreakerBoard() })) as BoardView;
  } catch (err) {
    return err as Error;
  }
}

const dbError = (err: Error) => <ErrorNote>Could not read the breakers from the database ({err.message}). Check /api/readyz.</ErrorNote>;

async function SummaryWidget() {
  const initial = await board();
  return initial instanceof Error ? dbError(initial) : <BreakerSummary initial={initial} />;
}

async function BoardWidget({ canOperate }: { canOperate: boolean }) {
  const initial = await board();
  return initial instanceof Error ? dbError(initial) : <BreakerBoard initial={initial} canOperate={canOperate} />;
}

export default async function BreakersPage() {
  const user = await requirePage("read", "/reconciliation/breakers");
  const canOperate = can(user.role, "operate");
  return (
    <>
      <PageHeader
        title="Circuit breakers"
        description={
          <>
            One breaker per reconciliation platform, shared by every instance and worker. Runbooks:{" "}
            <Link className="text-sky-700 hover:underline" href="/runbooks/reconciliation-breaker-open">
              stuck open
            </Link>
            ,{" "}
            <Link className="text-sky-700 hover:underline" href="/runbooks/reconciliation-breaker-flapping">
              flapping
            </Link>
            .
          </>
        }
      />
      <div className="space-y-4">
        <Suspense fallback={<Skeleton className="h-6" />}>
          <SummaryWidget />
        </Suspense>
        <Suspense fallback={<Skeleton className="h-72" />}>
          <BoardWidget canOperate={canOperate} />
        </Suspense>
      </div>
    </>
  );
}
