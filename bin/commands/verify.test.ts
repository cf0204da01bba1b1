// `opsdeck verify` on the test database: every check passes; with the database unreachable the
// command exits 1 naming the database check.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { pool } from "@/lib/platform/db";
import { parkQueuedTasks } from "@/lib/fulfillment/test-helpers";
import { formatReport, verifyLocal } from "./verify";

describe("opsdeck verify", () => {
  it("passes every check in this process on a working database", async () => {
    // The command starts a worker when none heartbeats; keep other files' queued tasks away from it.
    const restore = await parkQueuedTasks(pool());
    try {
      const report = await verifyLocal();
      const text = formatReport(report);
      expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
        ["database", true],
        ["cache", true],
        ["task:fulfillment", true],
        ["events", true],
        ["metrics", true],
        ["request-trace", true],
        ["prometheus", true],
      ]);
      expect(report.counts!.events).toBeGreaterThanOrEqual(1);
      expect(report.counts!.metricFamilies).toBeGreaterThan(10);
      expect(text).toMatch(/PASS: 7 checks\n$/);
      const { rows } = await pool().query(`select count(*)::int as n from telemetry_events where name = 'task.completed' and tags->>'task' = 'noop' and at > now() - interval '1 minute'`);
      expect(rows[0].n).toBeGreaterThanOrEqual(1);
    } finally {
      await restore();
    }
  });

  it("exits 1 naming the database check when the database is unreachable", () => {
    const r = spawnSync("bin/opsdeck", ["verify"], {
      env: { ...process.env, DATABASE_URL: "postgresql://opsdeck:x@127.0.0.1:9/opsdeck", LOG_LEVEL: "silent" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^database\s+FAIL\s+\d+ ms\s+connect ECONNREFUSED/m);
    expect(r.stdout).toContain("FAIL: database");
  });
});
