"use client";
// Operators: re-reconcile every finished claim matching the list's filter, as a bulk operation
// (dry run, reason, chunked progress, cancel) through the dead-letter console's dialog.
import { BulkAction, type BulkSpec } from "@/components/dead-letters/bulk-action";

export function RereconcilePanel({ filter }: { filter: Record<string, string> }) {
  const words = Object.entries(filter).map(([k, v]) => `${k}=${v}`);
  const spec: BulkSpec = {
    dryRunUrl: "/api/v1/reconciliation/re-reconcile/dry-run",
    createUrl: "/api/v1/reconciliation/re-reconcile",
    body: (reason) => ({ filter, ...(reason === undefined ? {} : { reason }) }),
    items: "finished claim(s)",
    changed: "queued again",
    skipped: "already queued again",
    sampleLine: (s) => `#${s.id} ${String(s.affiliate)} · ${String(s.platform)}/${String(s.postId)} — ${String(s.status)}${s.missingReason ? ` (${String(s.missingReason)})` : ""}`,
    auditHref: "/audit?action=reconciliation.bulk_rereconcile",
    note: "claims still queued or retrying are skipped; each claim's earlier trust change is replaced by its new result",
    verb: "re-reconciliation",
    filterText: words.length ? `filter: ${words.join(", ")}` : "no filter: every finished claim",
  };
  return (
    <div className="mt-3 border-t border-slate-100 pt-3 dark:border-slate-800">
      <BulkAction action="retry" filter={filter} label="Re-reconcile matching…" spec={spec} />
    </div>
  );
}
