// Platform breakers as the rest of Opsdeck sees them: the flapping and stuck-open signals the
// alert rules use, and the Prometheus series (one-hot state, transitions by platform).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { pool } from "@/lib/platform/db";
import { registry } from "@/lib/platform/metrics";
import { forceOpen } from "@/lib/platform/breakers/actions";
import { reconciliationBreakerSignals } from "./breaker-signals";
import { platformBreaker } from "./breakers";

const run = randomUUID().replace(/-/g, "").slice(0, 8);
const [FLAPPY, STEADY, HELD] = [`mt${run}f`, `mt${run}s`, `mt${run}h`];
const saved = process.env.RECONCILIATION_PLATFORMS;
beforeAll(() => {
  process.env.RECONCILIATION_PLATFORMS = `${FLAPPY},${STEADY},${HELD}`;
});
afterAll(() => {
  process.env.RECONCILIATION_PLATFORMS = saved;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const signal = (name: string) => reconciliationBreakerSignals.find((s) => s.name === name)!;
const settings = { failureThreshold: 1, openCooldownSeconds: 0.1, halfOpenProbeCount: 1, failureWindowSeconds: 60 };

describe("reconciliation breaker signals and metrics", () => {
  it("counts OPEN ↔ HALF_OPEN flaps of the worst platform, and platforms stuck open past the window", async () => {
    const b = platformBreaker(FLAPPY, settings);
    await b.execute(() => Promise.reject(new Error("503"))).catch(() => {});
    for (let i = 0; i < 3; i++) {
      await sleep(150);
      await b.execute(() => Promise.reject(new Error("503"))).catch(() => {}); // a failed probe: two flaps
    }
    await platformBreaker(STEADY, settings).state();
    await platformBreaker(HELD, settings).state();
    await forceOpen(HELD, { actor: "user:op@test.local", reason: "held on purpose" });

    const now = new Date();
    expect(await signal("reconciliation_breaker_flaps").evaluate({ now, pool: pool() }, 600)).toBe(6);
    // Open since before a 0.3 s window: FLAPPY is stuck; HELD is forced (deliberate) and does not count.
    await sleep(300);
    expect(await signal("reconciliation_breakers_stuck_open").evaluate({ now: new Date(), pool: pool() }, 0.2)).toBe(1);
    // A window reaching back before it opened: it has not been open that long.
    expect(await signal("reconciliation_breakers_stuck_open").evaluate({ now: new Date(), pool: pool() }, 600)).toBe(0);
  });

  it("exports reconciliation_breaker_state one-hot and the transitions counter by platform", async () => {
    const text = await registry.metrics();
    const line = (labels: string) => text.split("\n").find((l) => l.startsWith(`reconciliation_breaker_state{${labels}}`));
    expect(line(`platform="${STEADY}",state="closed"`)).toMatch(/ 1$/);
    expect(line(`platform="${STEADY}",state="open"`)).toMatch(/ 0$/);
    expect(line(`platform="${HELD}",state="open"`)).toMatch(/ 1$/);
    expect(line(`platform="${HELD}",state="closed"`)).toMatch(/ 0$/);
    const transitions = (from: string, to: string) =>
      text.split("\n").find((l) => l.startsWith(`reconciliation_breaker_transitions_total{platform="${FLAPPY}",from="${from}",to="${to}"}`));
    expect(transitions("closed", "open")).toMatch(/ 1$/);
    expect(transitions("open", "half_open")).toMatch(/ 3$/);
    expect(transitions("half_open", "open")).toMatch(/ 3$/);
    // Only configured platforms are labels.
    expect(text).not.toMatch(/reconciliation_breaker_state\{platform="test-/);
  });
});
