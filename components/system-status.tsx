import { Badge, Card, tableClass } from "@/components/ui";
import { metadata, readiness } from "@/lib/platform/health";
import { readinessChecks } from "@/lib/domains";

export async function SystemStatus() {
  const [{ ready, checks }, meta] = await Promise.all([readiness(readinessChecks), Promise.resolve(metadata())]);
  return (
    <Card title="System" action={<Badge tone={ready ? "good" : "bad"}>{ready ? "ready" : "not ready"}</Badge>}>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Opsdeck {meta.version} · {meta.environment} · {meta.database} PostgreSQL{meta.demo ? " · demo mode" : ""} · up {Math.round(meta.uptimeSeconds / 60)} min
      </p>
      <table className={tableClass}>
        <thead><tr><th>Check</th><th>State</th><th>Detail</th></tr></thead>
        <tbody>
          {checks.map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td><Badge tone={c.ok ? "good" : "bad"}>{c.ok ? "ok" : "failing"}</Badge></td>
              <td className="text-slate-500">{c.detail ?? `${c.durationMs} ms`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
