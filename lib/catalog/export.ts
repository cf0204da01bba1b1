// Catalog insights as files: a Markdown report a merchandiser pastes into a planning doc, CSV for
// spreadsheets (one table, a `section` column), and JSON (the API's shape). Pure functions: the
// console's download route and `opsdeck export catalog-insights` produce the same bytes.
import type { Insights, QueryRow } from "./insights";

export const EXPORT_FORMATS = ["md", "csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  md: "text/markdown; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
};

const WINDOW_LABEL: Record<string, string> = { "24h": "last 24 hours", "7d": "last 7 days", "30d": "last 30 days" };
const num = new Intl.NumberFormat("en");
const pct = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(1)} %`);
const utc = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

export function exportFilename(insights: Insights, format: ExportFormat): string {
  return `catalog-insights-${insights.window}-${insights.generated_at.slice(0, 10)}.${format}`;
}

export function renderInsights(insights: Insights, format: ExportFormat): string {
  if (format === "json") return `${JSON.stringify(insights, null, 2)}\n`;
  if (format === "csv") return renderCsv(insights);
  return renderMarkdown(insights);
}

/** Shopper text in a Markdown table: escape what would change the table or the formatting. */
function mdText(s: string): string {
  return s.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return "_None in this window._\n";
  const align = head.map((_, i) => (i === 0 ? "---" : "---:"));
  return [head, align, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n") + "\n";
}

function renderMarkdown(d: Insights): string {
  const t = d.totals;
  const label = WINDOW_LABEL[d.window] ?? d.window;
  const out: string[] = [];
  out.push(`# Catalog search insights — ${label}`, "");
  out.push(`Window ${utc(d.from)} → ${utc(d.to)} · generated ${utc(d.generated_at)} by Opsdeck.`, "");
  out.push("## Summary", "");
  out.push(
    table(
      ["Measure", "Value"],
      [
        ["Searches", num.format(t.searches)],
        ["Distinct queries", num.format(t.distinct_queries)],
        ["Zero-result rate", `${pct(t.zero_result_rate)} (${num.format(t.zero_result_searches)} searches)`],
        ["Click-through rate (searches with results)", pct(t.ctr)],
        ["Searches with results but no click", num.format(t.searches_without_clicks)],
      ],
    ),
  );
  out.push("## Trending queries", "", `Searched more than in the ${label.replace("last ", "previous ")}: candidates for bundles and homepage slots.`, "");
  out.push(table(["Query", "Searches", "Previous window", "Change"], d.trending.map((r) => [mdText(r.query), num.format(r.searches), num.format(r.previous_searches), `+${num.format(r.rise)}${r.growth === null ? " (new)" : ` (×${r.growth})`}`])));
  out.push("## Zero-result queries", "", "Shoppers looked for these and found nothing: add products, synonyms or redirects.", "");
  out.push(table(["Query", "Zero-result searches", "Last searched"], d.zero_result_queries.map((r) => [mdText(r.query), num.format(r.zero_result_searches), utc(r.last_seen)])));
  out.push("## Top queries", "");
  out.push(table(["Query", "Searches", "CTR", "Avg. click position", "Zero-result searches"], d.top_queries.map((r) => [mdText(r.query), num.format(r.searches), pct(r.ctr), r.avg_click_position?.toFixed(2) ?? "—", num.format(r.zero_result_searches)])));
  out.push("## Searches without clicks", "", "Results were shown but not clicked: check relevance, images and prices.", "");
  out.push(table(["Query", "Searches with results", "Without a click", "CTR"], d.no_click_queries.map((r) => [mdText(r.query), num.format(r.searches - r.zero_result_searches), num.format(r.searches_without_clicks), pct(r.ctr)])));
  return out.join("\n");
}

const CSV_COLUMNS = ["section", "query", "searches", "zero_result_searches", "clicked_searches", "clicks", "ctr", "avg_click_position", "searches_without_clicks", "previous_searches", "rise", "last_seen"] as const;

/** RFC 4180 quoting, and a leading ' on text a spreadsheet would run as a formula. */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function renderCsv(d: Insights): string {
  const sections: [string, (QueryRow & { previous_searches?: number; rise?: number })[]][] = [
    ["top", d.top_queries],
    ["trending", d.trending],
    ["zero_results", d.zero_result_queries],
    ["no_clicks", d.no_click_queries],
  ];
  const lines = [CSV_COLUMNS.join(",")];
  for (const [section, rows] of sections) {
    for (const r of rows) {
      lines.push(
        [section, r.query, r.searches, r.zero_result_searches, r.clicked_searches, r.clicks, r.ctr, r.avg_click_position, r.searches_without_clicks, r.previous_searches ?? null, r.rise ?? null, r.last_seen]
          .map(csvCell)
          .join(","),
      );
    }
  }
  return lines.join("\r\n") + "\r\n";
}
