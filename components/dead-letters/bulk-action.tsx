"use client";
// "Retry/discard all matching": dry run (count + sample) → reason → confirm → server-side chunked run
// with live progress (polls the operation) and a cancel button. Other kinds of bulk operation
// (lib/fulfillment/dead-letters/bulk.ts registerBulkKind) pass their own `spec`.
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { useApiCall } from "@/components/use-api-call";
import { Badge, buttonClass, ErrorNote, inputClass } from "@/components/ui";
import { describeFilter } from "@/lib/fulfillment/dead-letters/filter";

interface SampleRow {
  id: string;
  [field: string]: unknown;
}
interface DryRun {
  count: number;
  sample: SampleRow[];
}

/** What the dialog calls and says for one kind of bulk operation. */
export interface BulkSpec {
  dryRunUrl: string;
  createUrl: string;
  body: (reason?: string) => unknown;
  /** "dead-lettered task(s)" */
  items: string;
  /** What happened to a changed item: "requeued". */
  changed: string;
  /** Why an item was skipped: "no longer dead-lettered". */
  skipped: string;
  sampleLine: (s: SampleRow) => string;
  auditHref: string;
  note: string;
  /** The filter in words. */
  filterText: string;
  /** The confirm button's verb: "retry". */
  verb: string;
}

const deadLetterSpec = (action: "retry" | "discard", filter: Record<string, string>): BulkSpec => ({
  dryRunUrl: "/api/v1/fulfillment/bulk-operations/dry-run",
  createUrl: "/api/v1/fulfillment/bulk-operations",
  body: (reason) => ({ action, filter, ...(reason === undefined ? {} : { reason }) }),
  items: "dead-lettered task(s)",
  changed: action === "retry" ? "requeued" : "discarded",
  skipped: "no longer dead-lettered",
  sampleLine: (s) => `#${s.id} ${String(s.taskType)} — ${String(s.lastErrorClass)}: ${String(s.lastError)}`,
  auditHref: "/audit?action=fulfillment.dead_letter",
  note: "tasks dead-lettered later are not touched",
  filterText: describeFilter(filter),
  verb: action,
});
interface Operation {
  id: string;
  status: string;
  total: number;
  processed: number;
  changed: number;
  error: string | null;
}

export function BulkAction({ action, filter, label, spec: given }: { action: "retry" | "discard"; filter: Record<string, string>; label: string; spec?: BulkSpec }) {
  const spec = given ?? deadLetterSpec(action, filter);
  const router = useRouter();
  const [dry, setDry] = useState<DryRun | null>(null);
  const [reason, setReason] = useState("");
  const { busy, error, run } = useApiCall();
  const [opId, setOpId] = useState<string | null>(null);

  const op = useQuery({
    queryKey: ["bulk-operation", opId],
    enabled: !!opId,
    queryFn: async () => {
      const r = await api<{ operation: Operation }>(`/api/v1/fulfillment/bulk-operations/${opId}`);
      if (r.operation.status !== "running") router.refresh();
      return r.operation;
    },
    refetchInterval: (q) => (q.state.data && q.state.data.status !== "running" ? false : 1000),
  });

  const startDryRun = () => run(async () => setDry(await api<DryRun>(spec.dryRunUrl, { method: "POST", json: spec.body() })));
  const confirm = () =>
    run(async () => {
      const r = await api<{ operation: Operation }>(spec.createUrl, { method: "POST", json: spec.body(reason) });
      setOpId(r.operation.id);
      setDry(null);
    });
  const cancel = () => run(() => api(`/api/v1/fulfillment/bulk-operations/${opId}/cancel`, { method: "POST", json: {} }).then(() => op.refetch()));

  const o = op.data;
  return (
    <div className="space-y-2" data-testid={`bulk-${action}`}>
      {!dry && !opId ? (
        <button type="button" className={`${action === "retry" ? buttonClass.primary : buttonClass.danger} whitespace-nowrap`} disabled={busy} onClick={startDryRun}>
          {label}
        </button>
      ) : null}
      {dry ? (
        <div className="rounded-md border border-slate-300 p-3 text-sm dark:border-slate-700" role="dialog" aria-label={`${label}: dry run`}>
          <p>
            Dry run: <strong data-testid="dry-run-count">{dry.count.toLocaleString()}</strong> {spec.items} match ({spec.filterText}). The matching ids
            are frozen when you confirm; {spec.note}.
          </p>
          {dry.sample.length ? (
            <ul className="my-2 list-disc pl-5 text-xs text-slate-600 dark:text-slate-400">
              {dry.sample.map((s) => (
                <li key={s.id}>{spec.sampleLine(s)}</li>
              ))}
            </ul>
          ) : null}
          <label className="mt-2 block">
            <span className="text-xs font-medium">Reason (required, kept in the audit log)</span>
            <input className={`${inputClass} mt-1 w-full`} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. carrier outage resolved" />
          </label>
          <div className="mt-2 flex gap-2">
            <button type="button" className={action === "retry" ? buttonClass.primary : buttonClass.danger} disabled={busy || dry.count === 0 || reason.trim().length < 3} onClick={confirm}>
              Confirm {spec.verb} of {dry.count.toLocaleString()}
            </button>
            <button type="button" className={buttonClass.secondary} onClick={() => setDry(null)}>
              Back
            </button>
          </div>
        </div>
      ) : null}
      {opId ? (
        <div className="rounded-md border border-slate-300 p-3 text-sm dark:border-slate-700" data-testid="bulk-progress">
          {o ? (
            <>
              <div className="flex items-center gap-2">
                <Badge tone={o.status === "succeeded" ? "good" : o.status === "running" ? "info" : "warn"}>{o.status}</Badge>
                <span>
                  {o.processed.toLocaleString()} / {o.total.toLocaleString()} processed, {o.changed.toLocaleString()} {spec.changed}
                  {o.processed > o.changed ? ` (${(o.processed - o.changed).toLocaleString()} skipped: ${spec.skipped})` : ""}
                </span>
              </div>
              <progress className="mt-2 w-full" max={o.total} value={o.processed} />
              {o.error && o.status === "running" ? <p className="mt-1 text-xs text-amber-700 dark:text-amber-300">{o.error}</p> : null}
              <div className="mt-2 flex gap-2">
                {o.status === "running" ? (
                  <button type="button" className={buttonClass.secondary} disabled={busy} onClick={cancel}>
                    Cancel operation
                  </button>
                ) : (
                  <button type="button" className={buttonClass.secondary} onClick={() => setOpId(null)}>
                    Done
                  </button>
                )}
                <Link className="text-xs text-slate-500 underline" href={spec.auditHref}>
                  Audit trail
                </Link>
              </div>
            </>
          ) : (
            "Starting…"
          )}
        </div>
      ) : null}
      {error ? <ErrorNote>{error}</ErrorNote> : null}
    </div>
  );
}
