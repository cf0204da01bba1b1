"use client";
// Operator actions on one task: retry, discard (with reason), edit the payload then retry (validated
// server-side against the task type's schema; a 422 shows the schema's message).
import { useState } from "react";
import { useRouter } from "next/navigation";
import { api } from "@/components/api-client";
import { useApiCall } from "@/components/use-api-call";
import { buttonClass, ErrorNote, inputClass } from "@/components/ui";
import { JsonDiff } from "./json-diff";
import type { DiffEntry } from "@/lib/fulfillment/dead-letters/diff";

export function TaskActions({ id, payload }: { id: string; payload: unknown }) {
  const router = useRouter();
  const [mode, setMode] = useState<"none" | "discard" | "edit">("none");
  const [reason, setReason] = useState("");
  const [text, setText] = useState(() => JSON.stringify(payload, null, 2));
  const [done, setDone] = useState<{ text: string; diff?: DiffEntry[] } | null>(null);
  const { busy, error, run } = useApiCall();

  async function act(fn: () => Promise<{ text: string; diff?: DiffEntry[] }>) {
    const result = await run(fn);
    if (result) {
      setDone(result);
      setMode("none");
    }
    router.refresh(); // after a failure too: a 409 means the task changed, show its current state
  }

  const retry = () => act(async () => (await api(`/api/v1/fulfillment/dead-letters/${id}/retry`, { method: "POST", json: {} }), { text: `Task #${id} requeued.` }));
  const discard = () =>
    act(async () => (await api(`/api/v1/fulfillment/dead-letters/${id}/discard`, { method: "POST", json: { reason } }), { text: `Task #${id} discarded.` }));
  const editRetry = () =>
    act(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new Error(`The payload is not valid JSON (${(e as Error).message}); fix it and try again.`);
      }
      const r = await api<{ diff: DiffEntry[] }>(`/api/v1/fulfillment/dead-letters/${id}/edit-retry`, { method: "POST", json: { payload: parsed, reason } });
      return { text: `Payload saved (original kept) and task #${id} requeued.`, diff: r.diff };
    });

  const reasonInput = (
    <label className="block">
      <span className="text-xs font-medium">Reason (required, kept in the audit log)</span>
      <input className={`${inputClass} mt-1 w-full`} value={reason} onChange={(e) => setReason(e.target.value)} />
    </label>
  );

  return (
    <div className="space-y-3" data-testid="task-actions">
      {done ? (
        <div role="status" className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">
          {done.text}
          {done.diff ? <JsonDiff diff={done.diff} /> : null}
        </div>
      ) : null}
      {error ? <ErrorNote>{error}</ErrorNote> : null}
      {!done ? (
        <div className="flex flex-wrap gap-2">
          <button type="button" className={buttonClass.primary} disabled={busy} onClick={retry}>
            Retry
          </button>
          <button type="button" className={buttonClass.secondary} onClick={() => setMode(mode === "edit" ? "none" : "edit")}>
            Edit payload then retry
          </button>
          <button type="button" className={buttonClass.danger} onClick={() => setMode(mode === "discard" ? "none" : "discard")}>
            Discard…
          </button>
        </div>
      ) : null}
      {mode === "discard" ? (
        <div className="space-y-2">
          {reasonInput}
          <button type="button" className={buttonClass.danger} disabled={busy || reason.trim().length < 3} onClick={discard}>
            Discard task #{id}
          </button>
        </div>
      ) : null}
      {mode === "edit" ? (
        <div className="space-y-2">
          <label className="block">
            <span className="text-xs font-medium">Payload (JSON)</span>
            <textarea className={`${inputClass} mt-1 h-48 w-full font-mono text-xs`} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
          </label>
          {reasonInput}
          <button type="button" className={buttonClass.primary} disabled={busy || reason.trim().length < 3} onClick={editRetry}>
            Save payload and retry
          </button>
        </div>
      ) : null}
    </div>
  );
}
