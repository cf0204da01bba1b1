// Four processes share one breaker state: whatever their timing, each half-open episode lets
// exactly half_open_probe_count calls through across all of them, and a success closes it once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { breakerTransitions, sharedBreaker, stopBreakerListener, type BreakerSettings } from "./index";
import { forceOpen } from "./actions";

const CHILD = path.join(import.meta.dirname, "concurrency-child.ts");
const PROCESSES = 4;

interface Report {
  ran: { start: number; end: number }[];
  refused: number;
  failed: number;
}

function spawnChild(): Promise<ChildProcess> {
  const child = fork(CHILD, [], {
    execArgv: ["--conditions=react-server", "--import", "tsx"],
    env: { ...process.env, LOG_LEVEL: "silent" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (m) => (m === "ready" ? resolve(child) : reject(new Error(String(m)))));
    child.once("exit", (code) => reject(new Error(`child exited with ${code} before it was ready`)));
  });
}

async function runAll(go: object, whileRunning?: () => Promise<void>): Promise<Report[]> {
  const children = await Promise.all(Array.from({ length: PROCESSES }, spawnChild));
  const reports = Promise.all(
    children.map(
      (c) =>
        new Promise<Report>((resolve, reject) => {
          c.once("message", (m) => resolve(m as Report));
          c.once("exit", (code) => code !== 0 && reject(new Error(`child exited with ${code}`)));
          c.send(go);
        }),
    ),
  );
  await whileRunning?.();
  return reports;
}

let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
});
afterAll(async () => {
  await stopBreakerListener(pool);
  await pool.end();
});

async function openBreaker(name: string, s: BreakerSettings) {
  const b = sharedBreaker(pool, name, s);
  for (let i = 0; i < s.failureThreshold; i++) await b.execute(() => Promise.reject(new Error("down"))).catch(() => {});
  expect((await b.state()).state).toBe("open");
}

describe("one breaker state shared by 4 processes", () => {
  it.each([1, 2])("each half-open episode admits exactly %i probe(s) across all processes", async (probes) => {
    const name = `test-${Date.now().toString(36)}-mp-${probes}`;
    const settings: BreakerSettings = { failureThreshold: 2, openCooldownSeconds: 0.15, halfOpenProbeCount: probes, failureWindowSeconds: 60 };
    await openBreaker(name, settings);
    const reports = await runAll({ name, settings, ms: 2_500, parallel: 4, callMs: 60, outcome: "fail" });

    const ran = reports.flatMap((r) => r.ran).sort((a, b) => a.start - b.start);
    const episodes = (await breakerTransitions(pool, name, new Date(0))).filter((t) => t.cause === "cooldown_elapsed").length;
    expect(episodes).toBeGreaterThanOrEqual(5);
    // Every call that ran was a probe (the breaker never closed), and each episode had exactly `probes`.
    expect(ran.length).toBe(episodes * probes);
    expect(reports.reduce((n, r) => n + r.failed, 0)).toBe(ran.length);
    expect(reports.every((r) => r.refused > 0)).toBe(true);
    // Probes of different episodes never overlap: the next episode starts after the failure reopened it.
    for (let i = probes; i < ran.length; i += probes) expect(ran[i].start).toBeGreaterThanOrEqual(ran[i - 1].end);
  }, 60_000);

  it("a successful probe closes the breaker once for everyone, then every process calls freely", async () => {
    const name = `test-${Date.now().toString(36)}-mp-close`;
    const settings: BreakerSettings = { failureThreshold: 2, openCooldownSeconds: 0.3, halfOpenProbeCount: 1, failureWindowSeconds: 60 };
    await openBreaker(name, settings);
    const reports = await runAll({ name, settings, ms: 1_500, parallel: 2, callMs: 20, outcome: "succeed" });
    const causes = (await breakerTransitions(pool, name, new Date(0))).reverse().map((t) => t.cause);
    expect(causes).toEqual(["failure_threshold", "cooldown_elapsed", "probe_succeeded"]);
    expect(reports.every((r) => r.ran.length > 10)).toBe(true);
  }, 60_000);

  it("a force-open stops the calls of every process within the notification delay", async () => {
    const name = `test-${Date.now().toString(36)}-mp-force`;
    const settings: BreakerSettings = { failureThreshold: 5, openCooldownSeconds: 1, halfOpenProbeCount: 1, failureWindowSeconds: 60 };
    await sharedBreaker(pool, name, settings).state();
    let forcedAt = 0;
    const reports = await runAll({ name, settings, ms: 2_500, parallel: 2, callMs: 5, outcome: "succeed" }, async () => {
      await new Promise((r) => setTimeout(r, 1_200)); // every child is calling by now
      await forceOpen(name, { actor: "user:test@example.com", reason: "contain" });
      forcedAt = Date.now();
    });
    for (const r of reports) {
      expect(r.ran.filter((c) => c.start < forcedAt).length).toBeGreaterThan(10);
      // NOTIFY reaches every process in milliseconds; 250 ms leaves room for a loaded machine.
      expect(r.ran.filter((c) => c.start > forcedAt + 250)).toEqual([]);
      expect(r.refused).toBeGreaterThan(0);
    }
  }, 60_000);
});
