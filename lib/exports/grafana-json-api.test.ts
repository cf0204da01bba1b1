// The JSON API dashboard reads only fields the metrics payload really has: every panel's JSONPath
// is evaluated against a real `metricsPayload()` (with a failure logged, so recent_failures is not
// empty) and must select values of the declared type, from a route that exists.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { pool } from "@/lib/platform/db";
import { recordFailures } from "@/lib/whatsapp/failures";
import { metricsPayload } from "@/lib/whatsapp/stats";
import { findExportKind } from "./index";

/** The JSONPath subset the dashboard uses: `$`, `.name`, `[*]`; anything else fails the test. */
function select(doc: unknown, jsonPath: string): unknown[] {
  expect(jsonPath, "JSONPath subset").toMatch(/^\$(\.[a-z_]+|\[\*\])+$/);
  let values: unknown[] = [doc];
  for (const [, name, star] of jsonPath.slice(1).matchAll(/\.([a-z_]+)|(\[\*\])/g)) {
    values = values.flatMap((v) => (star ? (Array.isArray(v) ? v : []) : v !== null && typeof v === "object" && name in v ? [(v as Record<string, unknown>)[name]] : []));
  }
  return values;
}

/** Fields the payload may hold as null (FailureView.status: media failures have no HTTP status). */
const NULLABLE = ["$.recent_failures[*].status"];

interface Target {
  urlPath: string;
  method: string;
  headers: [string, string][];
  fields: { jsonPath: string; name: string; type: "number" | "string" | "time" }[];
}

describe("WhatsApp JSON API dashboard", () => {
  const files = findExportKind("grafana")!.files();
  const dashboard = JSON.parse(files.find((f) => f.name.endsWith("/opsdeck-whatsapp-json.json"))!.content);

  it("is a dashboard model for the JSON API datasource with the seed's stats, 401/403/429 trend and failure table", () => {
    expect(dashboard).toMatchObject({ uid: "opsdeck-whatsapp-json", schemaVersion: 39, refresh: "15s" });
    expect(dashboard.templating.list[0]).toMatchObject({ name: "datasource", type: "datasource", query: "marcusolsson-json-datasource" });
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const types = dashboard.panels.map((p: { type: string }) => p.type);
    expect(types.filter((t: string) => t === "stat").length).toBeGreaterThanOrEqual(4);
    expect(types).toContain("timeseries");
    expect(types).toContain("table");
    for (const p of dashboard.panels) {
      expect(p.datasource).toEqual({ type: "marcusolsson-json-datasource", uid: "${datasource}" });
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      expect(p.targets).toHaveLength(1);
    }
    const trend = dashboard.panels.find((p: { title: string }) => p.title.startsWith("401 / 403 / 429")).targets[0] as Target;
    expect(trend.fields.map((f) => f.name)).toEqual(["minute", "auth_failures", "forbidden", "signature_failures", "rate_limited"]);
    const table = dashboard.panels.find((p: { type: string }) => p.type === "table").targets[0] as Target;
    expect(table.fields.map((f) => f.name)).toEqual(expect.arrayContaining(["client_id", "chat_title", "reason", "timestamp"]));
  });

  it("selects values of the declared type from a real payload, at a route that exists", async () => {
    await recordFailures(pool(), [{ kind: "media", reason: "too_large", clientId: "grafana-json-test", chatTitle: "Dashboard check" }], { media_failed: 1 });
    await recordFailures(pool(), [{ kind: "rate_limit", reason: "rate_limited", status: 429, clientId: "grafana-json-test", chatTitle: "Dashboard check" }], { rate_limited: 1 });
    const payload = JSON.parse(JSON.stringify(await metricsPayload()));
    for (const p of dashboard.panels) {
      const t = p.targets[0] as Target;
      expect(t.method).toBe("GET");
      expect(fs.existsSync(path.join(process.cwd(), "app", t.urlPath, "route.ts")), t.urlPath).toBe(true);
      expect(t.headers).toEqual([["Accept", "application/json"]]);
      for (const f of t.fields) {
        const values = select(payload, f.jsonPath);
        expect(values.length, `${p.title}: ${f.jsonPath}`).toBeGreaterThan(0);
        for (const v of values) {
          if (v === null) {
            expect(NULLABLE, `${f.jsonPath} may not be null`).toContain(f.jsonPath);
            continue;
          }
          if (f.type === "number") expect(typeof v, f.jsonPath).toBe("number");
          else if (f.type === "time") expect(Number.isNaN(Date.parse(v as string)), f.jsonPath).toBe(false);
          else expect(typeof v, f.jsonPath).toBe("string");
        }
      }
      // Every field of a panel selects the same number of rows (Grafana builds one frame from them).
      expect(new Set(t.fields.map((f) => select(payload, f.jsonPath).length)).size, p.title).toBe(1);
    }
  });

  it("provisions the datasource at the app's URL with the metrics:read key taken from Grafana's environment", () => {
    const ds = parseYaml(files.find((f) => f.name === "provisioning/datasources/opsdeck.yaml")!.content).datasources[1];
    expect(ds).toMatchObject({ uid: "opsdeck-json-api", type: "marcusolsson-json-datasource", jsonData: { httpHeaderName1: "Authorization" }, secureJsonData: { httpHeaderValue1: "Bearer $OPSDECK_METRICS_KEY" } });
  });
});
