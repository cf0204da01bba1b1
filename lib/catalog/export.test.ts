// The three export formats from a fixed insights object: structure, escaping of shopper text.
import { describe, expect, it } from "vitest";
import { csvCell, exportFilename, renderInsights } from "./export";
import type { Insights, QueryRow } from "./insights";

const row = (query: string, over: Partial<QueryRow> = {}): QueryRow => ({
  query, searches: 10, zero_result_searches: 0, searches_without_clicks: 4, clicked_searches: 6, clicks: 8, ctr: 0.6, avg_click_position: 1.75, last_seen: "2026-12-03T08:15:00.000Z", ...over,
});

const DATA: Insights = {
  window: "7d",
  from: "2026-11-26T09:00:00.000Z",
  to: "2026-12-03T09:00:00.000Z",
  generated_at: "2026-12-03T08:20:00.000Z",
  totals: { searches: 1234, zero_result_searches: 150, zero_result_rate: 0.1216, clicked_searches: 600, ctr: 0.5535, searches_without_clicks: 484, distinct_queries: 37 },
  top_queries: [row("hoodie"), row("t-shirt | tee")],
  trending: [{ ...row("linen shirt"), previous_searches: 2, rise: 8, growth: 5 }, { ...row("rain jacket"), previous_searches: 0, rise: 10, growth: null }],
  zero_result_queries: [row("iphone case", { zero_result_searches: 42, ctr: null, avg_click_position: null })],
  no_click_queries: [row("=HYPERLINK(\"x\")")],
  series: [],
};

describe("catalog insights exports", () => {
  it("Markdown: a titled report with summary and one table per insight, shopper text escaped", () => {
    const md = renderInsights(DATA, "md");
    expect(md).toMatch(/^# Catalog search insights — last 7 days\n\nWindow 2026-11-26 09:00 UTC → 2026-12-03 09:00 UTC · generated 2026-12-03 08:20 UTC by Opsdeck\.\n/);
    expect(md).toContain("| Zero-result rate | 12.2 % (150 searches) |");
    expect(md).toContain("| Click-through rate (searches with results) | 55.4 % |");
    expect(md).toContain("| linen shirt | 10 | 2 | +8 (×5) |");
    expect(md).toContain("| rain jacket | 10 | 0 | +10 (new) |");
    expect(md).toContain("| iphone case | 42 | 2026-12-03 08:15 UTC |");
    expect(md).toContain("| t-shirt \\| tee | 10 | 60.0 % | 1.75 | 0 |"); // a pipe in a query does not split the table
    expect(md.match(/^\| ---/gm)).toHaveLength(5);
  });

  it("Markdown says so when a table is empty", () => {
    const md = renderInsights({ ...DATA, trending: [] }, "md");
    expect(md).toMatch(/## Trending queries\n\n.*\n\n_None in this window\._/);
  });

  it("CSV: one header, a section column, RFC 4180 quoting and no formulas", () => {
    const lines = renderInsights(DATA, "csv").trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + 2 + 2 + 1 + 1);
    expect(lines[1]).toBe("top,hoodie,10,0,6,8,0.6,1.75,4,,,2026-12-03T08:15:00.000Z");
    expect(lines[4]).toBe("trending,rain jacket,10,0,6,8,0.6,1.75,4,0,10,2026-12-03T08:15:00.000Z");
    expect(lines[6]).toBe(`no_clicks,"'=HYPERLINK(""x"")",10,0,6,8,0.6,1.75,4,,,2026-12-03T08:15:00.000Z`);
    expect(csvCell("-shirt")).toBe("'-shirt");
    expect(csvCell(-3)).toBe("-3");
  });

  it("JSON: the API's shape, and file names carry window and date", () => {
    expect(JSON.parse(renderInsights(DATA, "json"))).toEqual(DATA);
    expect(exportFilename(DATA, "md")).toBe("catalog-insights-7d-2026-12-03.md");
  });
});
