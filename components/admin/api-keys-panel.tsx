"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { api } from "@/components/api-client";
import { useApiCall } from "@/components/use-api-call";
import { ApiActionButton } from "@/components/api-action-button";
import { Badge, buttonClass, Empty, ErrorNote, inputClass, tableClass } from "@/components/ui";
import { SCOPES, SCOPE_HELP, type Scope } from "@/lib/platform/auth/roles";

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function ApiKeysPanel({ initial }: { initial: KeyRow[] }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["metrics:read"]);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const { busy, error, run } = useApiCall();

  async function create(e: React.FormEvent) {
    e.preventDefault();
    await run(async () => {
      setCreated(await api<{ name: string; key: string }>("/api/v1/admin/api-keys", { method: "POST", json: { name, scopes } }));
      setName("");
      router.refresh();
    });
  }

  return (
    <div className="grid gap-4">
      {created ? (
        <div role="status" className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-900 dark:bg-emerald-950">
          <p className="font-medium">Key “{created.name}” created. Copy it now: it is shown only once.</p>
          <code data-testid="new-api-key" className="mt-2 block break-all rounded bg-white p-2 font-mono text-xs dark:bg-slate-900">{created.key}</code>
          <button className={`${buttonClass.secondary} mt-2`} onClick={() => setCreated(null)}>I have stored it</button>
        </div>
      ) : null}
      <form onSubmit={create} className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Name
          <input className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="prometheus-prod" required />
        </label>
        <fieldset className="flex flex-wrap gap-3 text-sm">
          <legend className="sr-only">Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s} className="flex items-center gap-1" title={SCOPE_HELP[s]}>
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
              />
              {s}
            </label>
          ))}
        </fieldset>
        <button className={buttonClass.primary} disabled={busy} type="submit">Create API key</button>
      </form>
      {error ? <ErrorNote>{error}</ErrorNote> : null}
      {initial.length === 0 ? (
        <Empty>No API keys yet. Create one for each machine that calls Opsdeck.</Empty>
      ) : (
        <table className={tableClass}>
          <thead><tr><th>Name</th><th>Key</th><th>Scopes</th><th>Last used</th><th>State</th><th /></tr></thead>
          <tbody>
            {initial.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td className="font-mono text-xs">opsk_{k.prefix}_…</td>
                <td>{k.scopes.join(", ")}</td>
                <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : "never"}</td>
                <td>{k.revokedAt ? <Badge tone="bad">revoked</Badge> : <Badge tone="good">active</Badge>}</td>
                <td>{k.revokedAt ? null : <ApiActionButton label="Revoke" url={`/api/v1/admin/api-keys/${k.id}`} method="DELETE" confirm={`Revoke "${k.name}"? Anything using it stops working at once.`} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
