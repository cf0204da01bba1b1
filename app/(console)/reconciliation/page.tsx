import { Suspense } from "react";
import Link from "next/link";
import { WindowNav } from "@/components/window-nav";
import { dbError, hrefWith as linkWith, one, plain, type SearchParams } from "@/components/page-params";
import { ErrorNote, PageHeader, Skeleton, Card, inputClass, buttonClass } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { pool } from "@/lib/platform/db";
import { panelData } from "@/lib/reconciliation/stats";
import { getSubmission, listSubmissions, SUBMISSION_STATUSES, submissionFilterSchema, type SubmissionFilter } from "@/lib/reconciliation/submissions";
import { reconciliationPlatforms } from "@/lib/reconciliation/platforms";
import { Charts, Headline, SubmissionsTable, type PanelData, type SubmissionRow } from "@/components/reconciliation/panel-widgets";
import { SubmissionDetail } from "@/components/reconciliation/submission-detail";
import { RereconcilePanel } from "@/components/reconciliation/rereconcile-panel";
import type { SubmissionDetail as Detail } from "@/lib/reconciliation/submissions";

export const metadata = { title: "Reconciliation" };
export const dynamic = "force-dynamic";

const WINDOWS = { "15m": 15, "1h": 60, "6h": 360 } as const;
type Window = keyof typeof WINDOWS;
type Params = SearchParams;
const FILTER_KEYS = ["q", "status", "platform", "missing_reason", "affiliate"] as const;
const hrefWith = (params: Params, change: Record<string, string | null>) => linkWith("/reconciliation", params, change);

async function PanelWidgets({ minutes, kind }: { minutes: number; kind: "headline" | "charts" }) {
  let initial: PanelData;
  try {
    initial = plain<PanelData>(await panelData(pool(), minutes));
  } catch (err) {
    return dbError("reconciliation figures", err);
  }
  return kind === "headline" ? <Headline minutes={minutes} initial={initial} /> : <Charts minutes={minutes} initial={initial} />;
}

async function SubmissionsWidget({ params, filter, canOperate }: { params: Params; filter: SubmissionFilter; canOperate: boolean }) {
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
  let initial;
  try {
    initial = plain<{ submissions: SubmissionRow[] }>(await listSubmissions(pool(), filter));
  } catch (err) {
    return dbError("recent claims", err);
  }
  const active = FILTER_KEYS.some((k) => filter[k]);
  return (
    <Card title="Recent claims">
      <form method="get" action="/reconciliation" className="mb-3 flex flex-wrap items-center gap-2 text-sm" aria-label="Filter claims">
        {Object.entries(params).map(([k, v]) => (typeof v === "string" && !(FILTER_KEYS as readonly string[]).includes(k) && k !== "id" ? <input key={k} type="hidden" name={k} value={v} /> : null))}
        <input name="q" defaultValue={filter.q ?? ""} placeholder="claim id, post id or affiliate" aria-label="Search" className={`${inputClass} w-64`} />
        <select name="status" defaultValue={filter.status ?? ""} aria-label="Status" className={inputClass}>
          <option value="">any status</option>
          {SUBMISSION_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <select name="platform" defaultValue={filter.platform ?? ""} aria-label="Platform" className={inputClass}>
          <option value="">any platform</option>
          {reconciliationPlatforms().map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <select name="missing_reason" defaultValue={filter.missing_reason ?? ""} aria-label="Missing reason" className={inputClass}>
          <option value="">any missing reason</option>
          {["fetch_error", "circuit_open", "not_found", "timeout"].map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        {filter.affiliate ? <input type="hidden" name="affiliate" value={filter.affiliate} /> : null}
        <button type="submit" className={buttonClass.primary}>
          Search
        </button>
        {active ? (
          <Link href={hrefWith(params, { q: null, status: null, platform: null, missing_reason: null, affiliate: null })} className="underline">
            clear
          </Link>
        ) : null}
      </form>
      <SubmissionsTable query={query} initial={initial} detailHref={hrefWith(params, { id: "__ID__" })} />
      {canOperate ? <RereconcilePanel filter={Object.fromEntries(Object.entries(filter).filter(([, v]) => v)) as Record<string, string>} /> : null}
    </Card>
  );
}

async function DetailWidget({ id, params }: { id: string; params: Params }) {
  if (!/^[1-9]\d{0,17}$/.test(id)) return <ErrorNote>&quot;{id.slice(0, 40)}&quot; is not a claim id; open a claim from the list below.</ErrorNote>;
  let detail: Detail;
  try {
    detail = plain<Detail>(await getSubmission(pool(), id));
  } catch (err) {
    if ((err as { code?: string }).code === "not_found") return <ErrorNote>Claim #{id} was not found. Search for it below by post id or affiliate.</ErrorNote>;
    return dbError("the claim", err);
  }
  return <SubmissionDetail initial={detail} closeHref={hrefWith(params, { id: null })} />;
}

export default async function ReconciliationPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requirePage("read", "/reconciliation");
  const params = await searchParams;
  const raw = one(params.window);
  const window: Window = raw && raw in WINDOWS ? (raw as Window) : "1h";
  const parsed = submissionFilterSchema.safeParse(Object.fromEntries(FILTER_KEYS.map((k) => [k, one(params[k])])));
  const id = one(params.id);
  return (
    <>
      <PageHeader
        title="Reconciliation"
        description="Affiliates' claims checked against the platforms' figures by the queued worker, live (refreshes every 5 s). Figures come from the database, across every instance."
        actions={
          <>
            <Link href="/reconciliation/risk" className={buttonClass.secondary}>
              Risk
            </Link>
            <Link href="/reconciliation/breakers" className={buttonClass.secondary}>
              Circuit breakers
            </Link>
            <a href="/api/v1/reconciliation/snapshot" className={buttonClass.secondary} download>
              Incident snapshot
            </a>
            <WindowNav windows={Object.keys(WINDOWS)} current={window} href={(w) => hrefWith(params, { window: w })} />
          </>
        }
      />
      <div className="grid gap-4">
        {id ? (
          <Suspense key={id} fallback={<Skeleton className="h-48" />}>
            <DetailWidget id={id} params={params} />
          </Suspense>
        ) : null}
        <Suspense key={`headline-${window}`} fallback={<Skeleton className="h-24" />}>
          <PanelWidgets minutes={WINDOWS[window]} kind="headline" />
        </Suspense>
        <Suspense key={`charts-${window}`} fallback={<Skeleton className="h-64" />}>
          <PanelWidgets minutes={WINDOWS[window]} kind="charts" />
        </Suspense>
        {parsed.success ? (
          <Suspense key={JSON.stringify(parsed.data)} fallback={<Skeleton className="h-64" />}>
            <SubmissionsWidget params={params} filter={parsed.data} canOperate={can(user.role, "operate")} />
          </Suspense>
        ) : (
          <ErrorNote>
            The filter in the address is not valid ({parsed.error.issues[0]?.message}). <Link href="/reconciliation" className="underline">Clear it</Link>.
          </ErrorNote>
        )}
      </div>
    </>
  );
}
