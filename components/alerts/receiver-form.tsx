"use client";
// Admin: add or remove a notification receiver. The secret is write-only: after saving, the
// page shows only a hint ("hooks.slack.com (URL hidden)").
import { useState } from "react";
import { useRouter } from "next/navigation";
import { ApiActionButton } from "@/components/api-action-button";
import { api } from "@/components/api-client";
import { useApiCall } from "@/components/use-api-call";
import { ErrorNote, buttonClass, inputClass } from "@/components/ui";

const SEVERITIES = ["critical", "warning", "info"] as const;

export function ReceiverForm() {
  const router = useRouter();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"slack" | "pagerduty" | "webhook">("slack");
  const [secret, setSecret] = useState("");
  const [eventsUrl, setEventsUrl] = useState("");
  const [severities, setSeverities] = useState<string[]>(["critical", "warning"]);
  const { busy, error, run } = useApiCall();
  return (
    <form
      className="grid gap-3"
      onSubmit={async (e) => {
        e.preventDefault();
        await run(async () => {
          await api("/api/v1/alerts/receivers", { method: "POST", json: { name, kind, secret, severities, ...(kind === "pagerduty" && eventsUrl ? { eventsUrl } : {}) } });
          setName("");
          setSecret("");
          router.refresh();
        });
      }}
    >
      <div className="flex flex-wrap gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Name
          <input className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="ops-slack" required />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Kind
          <select className={inputClass} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            <option value="slack">Slack incoming webhook</option>
            <option value="pagerduty">PagerDuty Events v2</option>
            <option value="webhook">Webhook (Alertmanager JSON)</option>
          </select>
        </label>
        <label className="flex flex-1 flex-col gap-1 text-sm">
          {kind === "pagerduty" ? "Routing key" : "Webhook URL"}
          <input className={inputClass} type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} required />
        </label>
      </div>
      {kind === "pagerduty" ? (
        <label className="flex flex-col gap-1 text-sm">
          Events API base URL (optional)
          <input className={inputClass} value={eventsUrl} onChange={(e) => setEventsUrl(e.target.value)} placeholder="https://events.pagerduty.com" />
        </label>
      ) : null}
      <fieldset className="flex gap-3 text-sm">
        <legend className="mb-1">Severities</legend>
        {SEVERITIES.map((s) => (
          <label key={s} className="flex items-center gap-1">
            <input type="checkbox" checked={severities.includes(s)} onChange={(e) => setSeverities(e.target.checked ? [...severities, s] : severities.filter((x) => x !== s))} />
            {s}
          </label>
        ))}
      </fieldset>
      <div><button className={buttonClass.primary} disabled={busy || !name || !secret || severities.length === 0} type="submit">Add receiver</button></div>
      {error ? <ErrorNote>{error}</ErrorNote> : null}
    </form>
  );
}

export function DeleteReceiverButton({ id, name }: { id: string; name: string }) {
  return (
    <ApiActionButton
      label="Remove"
      url={`/api/v1/alerts/receivers/${id}`}
      method="DELETE"
      confirm={`Remove receiver "${name}"? Pending notifications to it will fail.`}
    />
  );
}
