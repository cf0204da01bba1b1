// The audit rows: actor, action, target (linked when it is a task), count, reason, details on demand.
import Link from "next/link";
import { Empty, tableClass } from "@/components/ui";
import type { AuditRow } from "@/lib/fulfillment/dead-letters/audit-log";

function Target({ target }: { target: string | null }) {
  if (!target) return <span className="text-slate-400">—</span>;
  const task = /^fulfillment_task:(\d+)$/.exec(target);
  return task ? <Link href={`/fulfillment/tasks/${task[1]}`}>task #{task[1]}</Link> : <span className="font-mono text-xs">{target}</span>;
}

/** Bulk operations write a "started" and a "finished" row; say which. */
function phaseOf(details: unknown): string | null {
  const phase = (details as { phase?: unknown } | null)?.phase;
  return typeof phase === "string" ? phase : null;
}

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  if (rows.length === 0) return <Empty>No audit entry matches these filters.</Empty>;
  return (
    <div className="overflow-x-auto">
      <table className={tableClass}>
        <thead>
          <tr><th>When (UTC)</th><th>Actor</th><th>Action</th><th>Target</th><th>Count</th><th>Reason</th><th>Details</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="audit-row">
              <td className="whitespace-nowrap text-xs">{r.at.replace("T", " ").slice(0, 19)}</td>
              <td className="text-xs">{r.actor}</td>
              <td className="font-mono text-xs">
                {r.action}
                {phaseOf(r.details) ? <span className="ml-1 font-sans text-slate-500">({phaseOf(r.details)})</span> : null}
              </td>
              <td className="text-xs"><Target target={r.target} /></td>
              <td className="tabular-nums">{r.count ?? "—"}</td>
              <td className="text-xs">{r.reason ?? "—"}</td>
              <td className="text-xs">
                {r.details ? (
                  <details>
                    <summary className="cursor-pointer text-slate-500">show</summary>
                    <pre className="max-h-48 max-w-md overflow-auto whitespace-pre-wrap text-[11px]">{JSON.stringify(r.details, null, 2)}</pre>
                  </details>
                ) : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
