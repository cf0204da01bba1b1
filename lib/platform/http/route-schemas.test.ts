// Route schemas under app/api build values that reach the database from the platform's
// database-safe types (schema-types.ts), not from raw zod strings and dates, which accept what
// PostgreSQL refuses (issue 13). A line that really needs a raw type says why with
// "schema-types: exempt — <reason>" on it or on the line above.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const RAW = /\bz\.(string|date|unknown)\(\)|\bz\.coerce\.date\(/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) && !e.name.endsWith(".test.ts") ? [p] : [];
  });
}

describe("route schemas use the database-safe types", () => {
  it.each(sources(path.resolve("app/api")).map((f) => [path.relative(process.cwd(), f)]))("%s", (file) => {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const raw = lines
      .map((line, i) => ({ line: line.trim(), at: i + 1, exempt: /schema-types: exempt/.test(line) || /schema-types: exempt/.test(lines[i - 1] ?? "") }))
      .filter((l) => RAW.test(l.line) && !l.exempt)
      .map((l) => `${file}:${l.at}: ${l.line}`);
    expect(raw, "use timestamp/filterTimestamp/bigintId/uuidId/text/jsonValue/pageCursor from lib/platform/http/schema-types.ts").toEqual([]);
  });
});
