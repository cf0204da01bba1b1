"use client";
// Readiness checks (database, migrations, workers), refreshed every 5 s.
import { useQuery } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { Badge, Card, tableClass } from "@/components/ui";
import type { OverviewSystemData } from "@/lib/platform/overview-data";

export function SystemChecks({ initial }: { initial: OverviewSystemData }) {
  const q = useQuery({
    queryKey: ["overview", "system"],
    queryFn: () => api<OverviewSystemData>("/api/v1/overview?part=system"),
    initialData: initial,
    refetchInterval: 5_000,
  });
  const { ready, checks, meta } = q.data;
  return (
    <Card title="System" action={<Badge tone={q.isError ? "warn" : ready ? "good" : "bad"}>{q.isError ? "unreachable" : ready ? "ready" : "not ready"}</Badge>}>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Opsdeck {meta.version} · {meta.environment} · {meta.database} PostgreSQL{meta.demo ? " · demo mode" : ""} · up {Math.round(meta.uptimeSeconds / 60)} min
        {q.isError ? ` · refresh failed: ${(q.error as Error).message}` : ""}
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
