// `opsdeck export <kind>`: Prometheus rules, Alertmanager config, Grafana dashboards, OpenSLO —
// generated from the same rule and SLO definitions Opsdeck evaluates (lib/exports). No database needed.
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";

export function registerExport(program: Command): void {
  program
    .command("export <kind>")
    .description("Write prometheus-rules | alertmanager | grafana | openslo (stdout, or --out FILE|DIR)")
    .option("--out <path>", "a file (single-file kinds) or a directory (always works; grafana writes one file per dashboard)")
    .action(async (kind: string, opts: { out?: string }) => {
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
