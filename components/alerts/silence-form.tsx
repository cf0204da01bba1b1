"use client";
// Create a silence: matchers as text, a preview of the open alerts it would silence, duration, comment.
import { useState } from "react";
import { useRouter } from "next/navigation";
import { ApiActionButton } from "@/components/api-action-button";
import { api } from "@/components/api-client";
import { useApiCall } from "@/components/use-api-call";
import { Badge, ErrorNote, buttonClass, inputClass } from "@/components/ui";

interface Preview {
  alerts: { id: string; rule: string; state: string; severity: string }[];
}

export function SilenceForm({ initialMatchers = "" }: { initialMatchers?: string }) {
  const router = useRouter();
  const [matchers, setMatchers] = useState(initialMatchers);
  const [minutes, setMinutes] = useState(60);
  const [comment, setComment] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, setError, run } = useApiCall();

  async function doPreview() {
    setError(null);
    try {
      setPreview(await api<Preview>("/api/v1/alerts/silences/preview", { method: "POST", json: { matchers } }));
    } catch (err) {
      setPreview(null);
      setError((err as Error).message);
    }
  }

  return (
    <form
      className="grid gap-3"
      onSubmit={async (e) => {
        e.preventDefault();
        await run(async () => {
          const r = await api<{ silenced: number; endsAt: string }>("/api/v1/alerts/silences", { method: "POST", json: { matchers, comment, durationMinutes: minutes } });
          setDone(`Silence created until ${r.endsAt}; ${r.silenced} open alert(s) silenced.`);
          setPreview(null);
          router.refresh();
        });
      }}
    >
      <label className="flex flex-col gap-1 text-sm">
        Matchers
        <input className={inputClass} value={matchers} onChange={(e) => { setMatchers(e.target.value); setPreview(null); }} placeholder='alertname=FulfillmentTasksDeadLettered, severity=~"warning|info"' required />
        <span className="text-xs text-slate-500">Comma-separated: name=value, name!=value, name=~regex, name!~regex.</span>
      </label>
      <div className="flex flex-wrap gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Duration (minutes)
          <input className={inputClass} type="number" min={1} max={43200} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} />
        </label>
        <label className="flex flex-1 flex-col gap-1 text-sm">
          Comment
          <input className={inputClass} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Why (e.g. planned carrier maintenance)" required />
        </label>
      </div>
      <div className="flex gap-2">
        <button type="button" className={buttonClass.secondary} onClick={doPreview} disabled={!matchers.trim()}>Preview</button>
        <button type="submit" className={buttonClass.primary} disabled={busy || !matchers.trim() || !comment.trim()}>Create silence</button>
      </div>
      {preview ? (
        <div className="text-sm" data-testid="silence-preview">
          {preview.alerts.length === 0 ? (
            <span className="text-slate-500">Matches no open alert right now (it will still apply to future ones).</span>
          ) : (
            <>
              Would silence {preview.alerts.length} open alert(s):{" "}
              {preview.alerts.map((a) => <Badge key={a.id} tone="neutral">{a.rule} ({a.state})</Badge>)}
            </>
          )}
        </div>
      ) : null}
      {error ? <ErrorNote>{error}</ErrorNote> : null}
      {done ? <p className="text-sm text-emerald-700">{done}</p> : null}
    </form>
  );
}

export function ExpireSilenceButton({ id }: { id: string }) {
  return <ApiActionButton label="Expire" url={`/api/v1/alerts/silences/${id}/expire`} json={{}} />;
}
