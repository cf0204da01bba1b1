"use client";
// The dead-letter list. Operators get checkboxes, a per-row Retry and actions on the selection;
// viewers get the same table without any of them (the API refuses them too).
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { api } from "@/components/api-client";
import { buttonClass, Empty, ErrorNote, inputClass, tableClass } from "@/components/ui";
import type { DeadLetterRow } from "@/lib/fulfillment/dead-letters/queries";

export function DeadLetterTable({ rows, canOperate }: { rows: DeadLetterRow[]; canOperate: boolean }) {
  const router = useRouter();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState("");
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function act(label: string, fn: () => Promise<string>) {
    setBusy(true);
    setNotice(null);
    try {
      setNotice({ ok: true, text: await fn() });
      setSelected(new Set());
      router.refresh();
    } catch (e) {
      // 409s explain who changed the task; refreshing shows its current state.
      setNotice({ ok: false, text: `${label} failed: ${(e as Error).message}` });
      router.refresh();
    } finally {
      setBusy(false);
    }
  }

  const retryOne = (id: string) =>
    act(`Retry of #${id}`, async () => {
      await api(`/api/v1/fulfillment/dead-letters/${id}/retry`, { method: "POST", json: {} });
      return `Task #${id} requeued.`;
    });
  const onSelection = (action: "retry" | "discard") =>
    act(`${action === "retry" ? "Retry" : "Discard"} of the selection`, async () => {
      const r = await api<{ changed: number; skipped: string[] }>(`/api/v1/fulfillment/dead-letters/${action}`, {
        method: "POST",
        json: { ids: [...selected], reason: reason || undefined },
      });
      const skipped = r.skipped.length ? ` ${r.skipped.length} skipped (no longer dead-lettered: ${r.skipped.map((s) => `#${s}`).join(", ")}).` : "";
      return `${r.changed} task(s) ${action === "retry" ? "requeued" : "discarded"}.${skipped}`;
    });

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div>
      {notice ? (
        notice.ok ? (
          <p role="status" className="mb-3 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">
            {notice.text}
          </p>
        ) : (
          <div className="mb-3">
            <ErrorNote>{notice.text}</ErrorNote>
          </div>
        )
      ) : null}
      {canOperate && selected.size > 0 ? (
        <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
          <span>{selected.size} selected</span>
          <button type="button" className={buttonClass.primary} disabled={busy} onClick={() => onSelection("retry")}>
            Retry selected
          </button>
          <input className={inputClass} aria-label="Reason for the selection" placeholder="Reason (required to discard)" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button type="button" className={buttonClass.danger} disabled={busy || reason.trim().length < 3} onClick={() => onSelection("discard")}>
            Discard selected
          </button>
        </div>
      ) : null}
      {rows.length === 0 ? (
        <Empty>No dead-lettered task matches these filters.</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <thead>
              <tr>
                {canOperate ? (
                  <th>
                    <input
                      type="checkbox"
                      aria-label="Select all on this page"
                      checked={selected.size === rows.length}
                      onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((r) => r.id)) : new Set())}
                    />
                  </th>
                ) : null}
                <th>Task</th>
                <th>Type</th>
                <th>Error</th>
                <th>Attempts</th>
                <th>Dead-lettered</th>
                {canOperate ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid="dead-letter-row">
                  {canOperate ? (
                    <td>
                      <input type="checkbox" aria-label={`Select task #${r.id}`} checked={selected.has(r.id)} onChange={() => toggle(r.id)} />
                    </td>
                  ) : null}
                  <td>
                    <Link href={`/fulfillment/tasks/${r.id}`}>#{r.id}</Link>
                  </td>
                  <td>{r.taskType}</td>
                  <td className="max-w-md">
                    <div className="font-mono text-xs text-rose-700 dark:text-rose-300">{r.lastErrorClass}</div>
                    <div className="truncate text-xs text-slate-600 dark:text-slate-400" title={r.lastError ?? ""}>{r.lastError}</div>
                  </td>
                  <td className="tabular-nums">{r.attempts}/{r.maxAttempts}</td>
                  <td className="whitespace-nowrap text-xs">{new Date(r.deadLetteredAt).toISOString().replace("T", " ").slice(0, 19)}Z</td>
                  {canOperate ? (
                    <td>
                      <button type="button" className={buttonClass.secondary} disabled={busy} onClick={() => retryOne(r.id)} aria-label={`Retry task #${r.id}`}>
                        Retry
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
