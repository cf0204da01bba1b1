// `opsdeck export catalog-insights`: the seed's export_catalog_insights script. Downloads the
// report a merchandiser pastes into a planning doc from a running deployment (the same bytes as
// the console's download buttons) and writes it to --output, or stdout.
import fs from "node:fs";
import path from "node:path";

export const CATALOG_EXPORT_FORMATS = ["md", "csv", "json"] as const;
export const CATALOG_EXPORT_WINDOWS = ["24h", "7d", "30d"] as const;

export interface CatalogExportOptions {
  baseUrl: string;
  apiKey: string;
  format: string;
  window?: string;
  output?: string;
  timeoutMs?: number;
}

export class CatalogExportError extends Error {}

/** Returns the report text; writes it to `output` when given (relative to OPSDECK_CWD). */
export async function exportCatalogInsights(opts: CatalogExportOptions): Promise<{ content: string; written?: string }> {
  if (!(CATALOG_EXPORT_FORMATS as readonly string[]).includes(opts.format)) {
    throw new CatalogExportError(`--format must be one of ${CATALOG_EXPORT_FORMATS.join(", ")} (got "${opts.format}").`);
  }
  const window = opts.window ?? "7d";
  if (!(CATALOG_EXPORT_WINDOWS as readonly string[]).includes(window)) {
    throw new CatalogExportError(`--window must be one of ${CATALOG_EXPORT_WINDOWS.join(", ")} (got "${window}").`);
  }
  let base: URL;
  try {
    base = new URL(opts.baseUrl);
  } catch {
    throw new CatalogExportError(`--base-url "${opts.baseUrl}" is not a URL; use e.g. https://opsdeck.example.com.`);
  }
  const url = `${base.href.replace(/\/+$/, "")}/api/v1/catalog/insights/export?format=${opts.format}&window=${window}`;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${opts.apiKey}` }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const c = (err as { cause?: { code?: string; message?: string } }).cause;
    const cause = (err as Error).name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : (c?.code ?? c?.message ?? (err as Error).message);
    throw new CatalogExportError(`Could not reach ${url} (${cause}). Check --base-url and that Opsdeck is running.`);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not JSON: show the start of the body
    }
    const hint = res.status === 401 || res.status === 403 ? ' Use a key with the "checkout" or "metrics:read" scope.' : "";
    throw new CatalogExportError(`${url} answered HTTP ${res.status}: ${message}${hint} Nothing was written.`);
  }
  if (!opts.output) return { content: text };
  const target = path.resolve(process.env.OPSDECK_CWD ?? process.cwd(), opts.output);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  return { content: text, written: target };
}
