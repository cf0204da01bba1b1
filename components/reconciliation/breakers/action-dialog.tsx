"use client";
// Force-open / reset for operators: a dialog that requires a reason (kept in the audit log and the
// breaker's history) and shows the API's message when the action is refused (e.g. 409: someone
// else changed the breaker first).
import { useEffect, useRef, useState } from "react";
import { api } from "@/components/api-client";
import { useApiCall } from "@/components/use-api-call";
import { buttonClass, ErrorNote, inputClass } from "@/components/ui";

export type BreakerAction = "force-open" | "reset";

const COPY: Record<BreakerAction, { title: string; explain: string; confirm: string; variant: keyof typeof buttonClass }> = {
  "force-open": {
    title: "Force open",
    explain: "Every instance stops calling this platform at once, with no probes, until someone resets the breaker. Claims wait and retry; those that run out of retries end missing (circuit_open).",
    confirm: "Force open",
    variant: "danger",
  },
  reset: {
    title: "Reset",
    explain: "The breaker closes for every instance and its failure count starts again from zero. If the platform is still failing, it opens again after the failure threshold.",
    confirm: "Reset to closed",
    variant: "primary",
  },
};

export function ActionDialog({ platform, action, onClose, onDone }: { platform: string; action: BreakerAction; onClose: () => void; onDone: (message: string) => void }) {
  const [reason, setReason] = useState("");
  const { busy, error, run } = useApiCall();
  const ref = useRef<HTMLDialogElement>(null);
  const copy = COPY[action];

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const ok = await run(() => api(`/api/v1/reconciliation/breakers/${platform}/${action}`, { method: "POST", json: { reason } }));
    if (ok) onDone(`${copy.title}: ${platform} — done.`);
  }

  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby={`breaker-dialog-${platform}`}
      className="m-auto w-full max-w-md rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <form onSubmit={submit} className="space-y-3 p-4">
        <h2 id={`breaker-dialog-${platform}`} className="text-base font-semibold">
          {copy.title}: {platform}
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">{copy.explain}</p>
        <label className="block">
          <span className="text-xs font-medium">Reason (required, kept in the audit log)</span>
          <textarea className={`${inputClass} mt-1 h-20 w-full`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} autoFocus />
        </label>
        {error ? <ErrorNote>{error}</ErrorNote> : null}
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonClass.secondary} onClick={() => ref.current?.close()}>
            Cancel
          </button>
          <button type="submit" className={buttonClass[copy.variant]} disabled={busy || reason.trim().length < 3}>
            {copy.confirm}
          </button>
        </div>
      </form>
    </dialog>
  );
}
