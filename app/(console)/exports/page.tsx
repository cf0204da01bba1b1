import { Card, PageHeader } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { EXPORT_KINDS } from "@/lib/exports";
import { publicUrl } from "@/lib/exports/promql";

export const metadata = { title: "Exports" };
export const dynamic = "force-dynamic";

export default async function ExportsPage() {
  await requirePage("admin", "/exports");
  const kinds = EXPORT_KINDS.map((k) => ({ ...k, names: k.files().map((f) => f.name) }));
  return (
    <>
      <PageHeader
        title="Exports"
        description="The alert rules, SLOs and dashboards Opsdeck evaluates, as files for Prometheus, Alertmanager, Grafana and OpenSLO tools."
      />
      <Card title="Exports">
        <ul className="divide-y divide-slate-100 dark:divide-slate-800">
          {kinds.map((k) => (
            <li key={k.kind} className="py-3">
              <div className="font-medium">{k.title}</div>
              <p className="text-sm text-slate-600 dark:text-slate-400">{k.description}</p>
              <div className="mt-1 flex flex-wrap gap-3 text-sm">
                {k.names.map((name) => (
                  <a key={name} className="text-sky-700 hover:underline" href={`/api/v1/exports/${k.kind}?file=${encodeURIComponent(name)}`} download={name}>
                    Download {name}
                  </a>
                ))}
                <code className="text-xs text-slate-500">opsdeck export {k.kind} --out {k.names.length > 1 ? "DIR" : k.names[0]}</code>
              </div>
            </li>
          ))}
        </ul>
        <p className="mt-3 text-xs text-slate-500">
          Runbook links in these files point at <code>{publicUrl()}</code> (set <code>OPSDECK_PUBLIC_URL</code>). Secrets are never included:
          Alertmanager reads them from files. Details: docs/exports.md.
        </p>
      </Card>
    </>
  );
}
