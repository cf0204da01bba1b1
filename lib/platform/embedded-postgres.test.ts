import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedHandle } from "./embedded-postgres";

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query("SELECT 1 AS one")).rows[0].one;
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL lifecycle", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsdeck-embedded-"));
  const port = 54400 + Math.floor(Math.random() * 500);
  let handle: EmbeddedHandle | undefined;
  afterAll(async () => {
    await handle?.stop();
  });
  const pgDir = path.join(dataDir, "pg");

  it("initialises on first start, and a second process attaches instead of starting another", async () => {
    // mkdtemp made dataDir private (0700); as root the server runs as "postgres", so starting it
    // must have granted traverse permission (o+x) on the way to the data directory.
    handle = await startEmbeddedPostgres({ dataDir: pgDir, port, database: "lifecycle", warn: () => {} });
    expect(handle.owned).toBe(true);
    expect(await selectOne(handle.url)).toBe(1);
    if (process.getuid?.() === 0) expect(fs.statSync(dataDir).mode & 0o777).toBe(0o701);
    const attached = await startEmbeddedPostgres({ dataDir: pgDir, port: port + 1, database: "lifecycle" });
    expect(attached.owned).toBe(false);
    expect(attached.port).toBe(port);
  });

  it("recovers from a crash: the server is killed, its stale lock is handled, data survives", async () => {
    await selectOne(handle!.url);
    const client = new pg.Client({ connectionString: handle!.url });
    await client.connect();
    await client.query("CREATE TABLE IF NOT EXISTS survives (v int); INSERT INTO survives VALUES (42)");
    await client.end();
    const pid = Number(fs.readFileSync(path.join(pgDir, "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, "SIGKILL");
    for (let i = 0; i < 50; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 100));
      } catch {
        break;
      }
    }
    expect(fs.existsSync(path.join(pgDir, "postmaster.pid"))).toBe(true); // the crash left its lock behind
    handle = await startEmbeddedPostgres({ dataDir: pgDir, port, database: "lifecycle" });
    expect(handle.owned).toBe(true);
    const after = new pg.Client({ connectionString: handle.url });
    await after.connect();
    expect((await after.query("SELECT v FROM survives")).rows).toEqual([{ v: 42 }]);
    await after.end();
  });
});

describe("a data directory that cannot hold a database", () => {
  it("refuses at start, naming the directory and what to do", async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "opsdeck-blocked-"));
    const file = path.join(base, "not-a-directory");
    fs.writeFileSync(file, "");
    await expect(startEmbeddedPostgres({ dataDir: path.join(file, "postgres"), port: 54399, warn: () => {} })).rejects.toThrow(
      new RegExp(`The data directory ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} cannot be written .*Set OPSDECK_DATA_DIR to a writable directory`),
    );
  });
});
