import "server-only";
// Prometheus series for a family of shared breakers, named by the domain that owns them, e.g.
// prefix "reconciliation", label "platform" → reconciliation_breaker_state{platform,state} (one-hot,
// read from the database on scrape, so every replica reports the shared state) and
// reconciliation_breaker_transitions_total{platform,from,to} (counted by the process that made
// the transition; sum over replicas). The label's values are the family's configured members.
import type pg from "pg";
import { counter, gauge } from "../metrics";
import { logger } from "../logger";
import { onBreakerTransition } from "./breaker";
import { readRows, type BreakerState } from "./store";

const STATES: BreakerState[] = ["closed", "open", "half_open"];

export interface BreakerFamily {
  prefix: string;
  label: string;
  /** label value → breaker name, for the configured members only (bounded). */
  members: () => Map<string, string>;
  pool: () => pg.Pool;
}

export function registerBreakerMetrics(f: BreakerFamily): void {
  gauge(`${f.prefix}_breaker_state`, `Shared circuit breaker state by ${f.label} (one-hot: 1 for the current state)`, [f.label, "state"] as const, async function () {
    try {
      const members = f.members();
      const byName = new Map((await readRows(f.pool(), [...members.values()])).map((s) => [s.name, s.state]));
      this.reset();
      for (const [value, name] of members) {
        const current = byName.get(name) ?? "closed"; // never used yet: closed
        for (const state of STATES) this.set({ [f.label]: value, state } as Record<string, string>, state === current ? 1 : 0);
      }
    } catch (err) {
      logger.warn({ err }, `${f.prefix}_breaker_state: could not read the database`);
    }
  });
  const transitions = counter(`${f.prefix}_breaker_transitions_total`, `Shared circuit breaker transitions made by this process, by ${f.label}, from and to state`, [
    f.label,
    "from",
    "to",
  ] as const);
  onBreakerTransition(`metrics:${f.prefix}`, (t) => {
    for (const [value, name] of f.members()) if (name === t.breaker) transitions.inc({ [f.label]: value, from: t.from, to: t.to } as Record<string, string>);
  });
}
