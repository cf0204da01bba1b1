// `opsdeck export <kind>`: Prometheus rules, Alertmanager config, Grafana dashboards, OpenSLO —
// generated from the same rule and SLO definitions Opsdeck evaluates (lib/exports). No database needed.
// `export catalog-insights` instead downloads the merchandiser report from a running deployment.
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";

export function registerExport(program: Command): void {
  program
    .command("export <kind>")
    .description("Write prometheus-rules | alertmanager | grafana | openslo (stdout, or --out FILE|DIR), or catalog-insights from a deployment")
    .option("--out <path>", "a file (single-file kinds) or a directory (always works; grafana writes one file per dashboard)")
    .option("--base-url <url>", "catalog-insights: the Opsdeck deployment")
    .option("--api-key <key>", 'catalog-insights: an API key with the "checkout" or "metrics:read" scope')
    .option("--format <md|csv|json>", "catalog-insights: report format", "md")
    .option("--window <24h|7d|30d>", "catalog-insights: time window", "7d")
    .option("--output <path>", "catalog-insights: file to write (default stdout)")
    .action(async (kind: string, opts: { out?: string; baseUrl?: string; apiKey?: string; format: string; window: string; output?: string }) => {
      if (kind === "catalog-insights") return exportCatalogInsightsCommand(opts);
      const { EXPORT_KINDS, findExportKind } = await import("@/lib/exports");
      const found = findExportKind(kind);
      if (!found) throw new Error(`Unknown export "${kind}": use one of ${EXPORT_KINDS.map((k) => k.kind).join(", ")}.`);
      const files = found.files();
      if (!opts.out) {
        if (files.length > 1) throw new Error(`"${kind}" produces ${files.length} files (${files.map((f) => f.name).join(", ")}): give --out DIR.`);
        process.stdout.write(files[0].content);
        return;
      }
      // bin/opsdeck runs from the repository root; relative paths are the caller's (OPSDECK_CWD).
      const out = path.resolve(process.env.OPSDECK_CWD ?? process.cwd(), opts.out);
      const isDir = files.length > 1 || (fs.existsSync(out) && fs.statSync(out).isDirectory()) || opts.out.endsWith("/");
      if (isDir) fs.mkdirSync(out, { recursive: true });
      for (const f of files) {
        const target = isDir ? path.join(out, f.name) : out;
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, f.content);
        process.stderr.write(`Wrote ${target}\n`);
      }
    });
}

async function exportCatalogInsightsCommand(opts: { baseUrl?: string; apiKey?: string; format: string; window: string; output?: string; out?: string }): Promise<void> {
  const { exportCatalogInsights } = await import("./catalog-insights");
  if (!opts.baseUrl || !opts.apiKey) throw new Error("export catalog-insights needs --base-url URL and --api-key KEY (scope checkout or metrics:read).");
  const r = await exportCatalogInsights({ baseUrl: opts.baseUrl, apiKey: opts.apiKey, format: opts.format, window: opts.window, output: opts.output ?? opts.out });
  if (r.written) process.stderr.write(`Wrote ${r.written}\n`);
  else process.stdout.write(r.content);
}
