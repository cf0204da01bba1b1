// Shared breakers on the real test database: transitions with their causes, probes, timeouts,
// operator actions with audit, and another "process" (its own pool and cache) seeing changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { db } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { CircuitOpenError, breakerSnapshots, breakerTransitions, sharedBreaker, stopBreakerListener, type BreakerSettings } from "./index";
import { forceOpen, resetBreaker } from "./actions";

const run = Date.now().toString(36);
const name = (what: string) => `test-${run}-${what}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const settings = (over: Partial<BreakerSettings> = {}): BreakerSettings => ({ failureThreshold: 3, openCooldownSeconds: 0.3, halfOpenProbeCount: 1, failureWindowSeconds: 60, ...over });

const boom = () => Promise.reject(new Error("platform down"));
const ok = () => Promise.resolve("ok");

let pool: pg.Pool;
let other: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 6 });
  other = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 6 });
});
afterAll(async () => {
  await stopBreakerListener(pool);
  await stopBreakerListener(other);
  await Promise.all([pool.end(), other.end()]);
});

async function causes(n: string) {
  return (await breakerTransitions(pool, n, new Date(0))).reverse().map((t) => `${t.from}>${t.to}:${t.cause}`);
}

describe("shared circuit breaker", () => {
  it("opens at the threshold within the window, refuses without calling, and records the cause", async () => {
    const n = name("threshold");
    const b = sharedBreaker(pool, n, settings());
    for (let i = 0; i < 2; i++) await expect(b.execute(boom)).rejects.toThrow("platform down");
    expect((await b.state()).state).toBe("closed");
    expect((await b.state()).failuresInWindow).toBe(2);
    await expect(b.execute(boom)).rejects.toThrow("platform down");
    const s = await b.state();
    expect(s).toMatchObject({ state: "open", failuresInWindow: 3, failureThreshold: 3, forced: false });
    expect(s.nextProbeAt!.getTime() - s.openedAt!.getTime()).toBe(300);
    let called = false;
    const err = await b.execute(async () => ((called = true), "x")).catch((e) => e);
    expect(err).toBeInstanceOf(CircuitOpenError);
    expect(err).toMatchObject({ breaker: n, forced: false });
    expect(called).toBe(false);
    const [t] = await breakerTransitions(pool, n, new Date(0));
    expect(t).toMatchObject({ from: "closed", to: "open", cause: "failure_threshold", actor: null });
    expect(t.detail).toContain("3 failure(s) within 60 s");
    expect(t.detail).toContain("platform down");
  });

  it("forgets failures older than the window", async () => {
    const n = name("window");
    const b = sharedBreaker(pool, n, settings({ failureThreshold: 2, failureWindowSeconds: 0.2 }));
    await expect(b.execute(boom)).rejects.toThrow();
    await sleep(300);
    expect((await b.state()).failuresInWindow).toBe(0);
    await expect(b.execute(boom)).rejects.toThrow();
    expect((await b.state()).state).toBe("closed");
  });

  it("goes half-open after the cooldown; a successful probe closes it, a failed one reopens it", async () => {
    const n = name("probe");
    const b = sharedBreaker(pool, n, settings({ failureThreshold: 1 }));
    await expect(b.execute(boom)).rejects.toThrow();
    await sleep(350);
    await expect(b.execute(boom)).rejects.toThrow("platform down"); // the probe ran and failed
    const reopened = await b.state();
    expect(reopened.state).toBe("open");
    await expect(b.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    await sleep(350);
    await expect(b.execute(ok)).resolves.toBe("ok");
    expect(await b.state()).toMatchObject({ state: "closed", failuresInWindow: 0, openedAt: null, nextProbeAt: null });
    expect(await causes(n)).toEqual([
      "closed>open:failure_threshold",
      "open>half_open:cooldown_elapsed",
      "half_open>open:probe_failed",
      "open>half_open:cooldown_elapsed",
      "half_open>closed:probe_succeeded",
    ]);
  });

  it("lets exactly half_open_probe_count probes through and closes only when all succeed", async () => {
    const n = name("probes2");
    const b = sharedBreaker(pool, n, settings({ failureThreshold: 1, halfOpenProbeCount: 2 }));
    await expect(b.execute(boom)).rejects.toThrow();
    await sleep(350);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let ran = 0;
    const slow = async () => {
      ran++;
      await gate;
      return "ok";
    };
    const calls = [0, 1, 2, 3].map(() => b.execute(slow).then(() => "ran", (e) => (e instanceof CircuitOpenError ? "refused" : "error")));
    await sleep(150);
    const during = await b.state();
    expect(during).toMatchObject({ state: "half_open", probesLeft: 0 });
    release();
    expect((await Promise.all(calls)).sort()).toEqual(["ran", "ran", "refused", "refused"]);
    expect(ran).toBe(2);
    expect(await b.state()).toMatchObject({ state: "closed", probesPassed: 2 });
  });

  it("counts a call that outlives its timeout as a failure and aborts its signal", async () => {
    const n = name("timeout");
    const b = sharedBreaker(pool, n, settings({ failureThreshold: 1 }), { callTimeoutMs: 50 });
    let aborted = false;
    const hang = (signal: AbortSignal) =>
      new Promise<string>((_, reject) => signal.addEventListener("abort", () => ((aborted = true), reject(new Error("aborted")))));
    await expect(b.execute(hang)).rejects.toThrow();
    expect(aborted).toBe(true);
    expect((await b.state()).state).toBe("open");
  });

  it("does not count errors the caller says are not the dependency failing", async () => {
    const n = name("filter");
    class NotFound extends Error {}
    const b = sharedBreaker(pool, n, settings({ failureThreshold: 1 }), { isFailure: (e) => !(e instanceof NotFound) });
    await expect(b.execute(() => Promise.reject(new NotFound("no such post")))).rejects.toThrow("no such post");
    expect(await b.state()).toMatchObject({ state: "closed", failuresInWindow: 0 });
  });

  it("reopens a half-open breaker whose probe never reported (its process died)", async () => {
    const n = name("lost");
    const b = sharedBreaker(pool, n, settings({ failureThreshold: 1 }), { callTimeoutMs: 100 });
    await expect(b.execute(boom)).rejects.toThrow();
    await sleep(350);
    // A probe taken by a "process" that then vanished: the slot is gone, nobody reports.
    await pool.query(`UPDATE circuit_breakers SET state = 'half_open', probes_left = 0, probe_taken_at = now() - interval '10 seconds', updated_at = now() - interval '10 seconds', epoch = epoch + 1 WHERE name = $1`, [n]);
    await expect(b.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    expect((await causes(n)).at(-1)).toBe("half_open>open:probe_lost");
    await expect(b.execute(ok)).resolves.toBe("ok"); // probing again right away
    expect((await b.state()).state).toBe("closed");
  });

  it("opens one LISTEN connection per pool however many calls race to start it", async () => {
    const app = `breakers-test-${run}`;
    const own = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 8, application_name: app });
    try {
      const b = sharedBreaker(own, name("listen"), settings());
      await Promise.all(Array.from({ length: 20 }, () => b.execute(ok)));
      await sleep(200);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`, [app]);
      expect(rows[0].n).toBe(1);
    } finally {
      await stopBreakerListener(own);
      await own.end();
    }
  });

  it("rejects settings that cannot work, naming the field", () => {
    expect(() => sharedBreaker(pool, name("bad"), settings({ failureThreshold: 0 }))).toThrow(/failureThreshold must be an integer ≥ 1/);
    expect(() => sharedBreaker(pool, "bad name!", settings())).toThrow(/names are/);
  });
});

describe("operator actions", () => {
  it("force-open stops calls in another process at once; reset lets them through; both audited", async () => {
    const n = name("force");
    // A long TTL: only the NOTIFY can make the other process notice in time.
    const mine = sharedBreaker(pool, n, settings(), { cacheTtlMs: 60_000 });
    const theirs = sharedBreaker(other, n, settings(), { cacheTtlMs: 60_000 });
    await expect(theirs.execute(ok)).resolves.toBe("ok");
    await expect(mine.execute(ok)).resolves.toBe("ok");
    await sleep(100); // both LISTEN connections are up

    const snap = await forceOpen(n, { actor: "user:op@example.com", reason: "platform announced maintenance" });
    expect(snap).toMatchObject({ state: "open", forced: true, nextProbeAt: null });
    await sleep(100);
    let called = false;
    const err = await theirs.execute(async () => ((called = true), "x")).catch((e) => e);
    expect(err).toBeInstanceOf(CircuitOpenError);
    expect(err.forced).toBe(true);
    expect(called).toBe(false);

    await expect(forceOpen(n, { actor: "user:other@example.com", reason: "me too" })).rejects.toMatchObject({ code: "conflict" });
    await resetBreaker(n, { actor: "user:op@example.com", reason: "maintenance over" });
    await sleep(100);
    await expect(theirs.execute(ok)).resolves.toBe("ok");
    await expect(resetBreaker(n, { actor: "user:op@example.com", reason: "again" })).rejects.toMatchObject({ code: "conflict" });

    const audit = await db().auditLog.findMany({ where: { target: `breaker:${n}` }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actor, a.reason])).toEqual([
      ["breaker.force_open", "user:op@example.com", "platform announced maintenance"],
      ["breaker.reset", "user:op@example.com", "maintenance over"],
    ]);
    const ts = await breakerTransitions(pool, n, new Date(0));
    expect(ts.map((t) => [t.cause, t.actor, t.reason])).toEqual([
      ["reset", "user:op@example.com", "maintenance over"],
      ["forced_open", "user:op@example.com", "platform announced maintenance"],
    ]);
  });

  it("a forced-open breaker never probes, even after the cooldown", async () => {
    const n = name("forced-cooldown");
    const b = sharedBreaker(pool, n, settings({ openCooldownSeconds: 0.1 }));
    await b.state();
    await forceOpen(n, { actor: "user:op@example.com", reason: "contain" });
    await sleep(250);
    await expect(b.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it("needs a reason, and names an unknown breaker", async () => {
    const n = name("reason");
    await sharedBreaker(pool, n, settings()).state();
    await expect(forceOpen(n, { actor: "user:op@example.com", reason: "  " })).rejects.toMatchObject({ code: "validation_failed" });
    const err = await forceOpen(name("nope"), { actor: "user:op@example.com", reason: "why not" }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe("not_found");
    expect((await breakerSnapshots(pool, [n]))[0].state).toBe("closed");
  });
});
