import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { sessionPool } from "./session-pool";

const base = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
afterAll(() => base.end());

describe("sessionPool", () => {
  it("connects to the same database with its own session settings, leaving the base pool's alone", async () => {
    const s = sessionPool(base, { max: 1, settings: { plan_cache_mode: "force_generic_plan", enable_seqscan: "off" } });
    try {
      const mine = await s.query(`SELECT current_database() AS db, current_setting('plan_cache_mode') AS mode, current_setting('enable_seqscan') AS seq`);
      const theirs = await base.query(`SELECT current_database() AS db, current_setting('plan_cache_mode') AS mode, current_setting('enable_seqscan') AS seq`);
      expect(mine.rows[0]).toEqual({ db: theirs.rows[0].db, mode: "force_generic_plan", seq: "off" });
      expect(theirs.rows[0]).toMatchObject({ mode: "auto", seq: "on" });
    } finally {
      await s.end();
    }
  });

  it("carries a password given as a separate option (pg-pool hides it from spreads)", async () => {
    const url = new URL(process.env.DATABASE_URL!);
    const withPassword = new pg.Pool({ host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), database: url.pathname.slice(1) });
    const s = sessionPool(withPassword, { max: 1, settings: { statement_timeout: "5000" } });
    try {
      expect((await s.query(`SELECT current_setting('statement_timeout') AS t`)).rows[0].t).toBe("5s");
    } finally {
      await s.end();
      await withPassword.end();
    }
  });

  it("refuses a setting that could smuggle other options", () => {
    expect(() => sessionPool(base, { max: 1, settings: { "work_mem=1GB -c x": "1" } })).toThrow(/invalid setting/);
    expect(() => sessionPool(base, { max: 1, settings: { work_mem: "1GB -c fsync=off" } })).toThrow(/invalid setting/);
  });
});
