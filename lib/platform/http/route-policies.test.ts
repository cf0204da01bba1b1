// Every app/**/route.ts must declare who may call it: each exported HTTP method is built with
// route(), which attaches its policy. A handler written by hand fails this test.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}

describe("route policies", () => {
  const files = routeFiles(path.resolve("app"));

  it("finds the route files", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [path.relative(process.cwd(), f)]))("%s declares a policy for every method", async (file) => {
    const mod = await import(path.resolve(file));
    const exported = METHODS.filter((m) => m in mod);
    expect(exported.length, `${file} exports no HTTP method`).toBeGreaterThan(0);
    for (const m of exported) {
      const policy = mod[m]?.policy;
      expect(policy, `${file} ${m} has no declared policy: build it with route() from lib/platform/http/route.ts`).toBeTruthy();
      const ok = policy.public === true ? typeof policy.reason === "string" && policy.reason.length > 0 : !!(policy.session || policy.apiKey);
      expect(ok, `${file} ${m}: policy must be {public:true, reason} or name a session permission / API-key scope`).toBe(true);
      expect(mod[m].route, `${file} ${m} must name its route template`).toMatch(/^\//);
    }
  });
});
