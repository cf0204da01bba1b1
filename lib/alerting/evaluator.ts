import "server-only";
// The rule evaluator. Every ALERT_EVALUATION_INTERVAL_SECONDS one process in the cluster — the
// holder of a session-level PostgreSQL advisory lock on a dedicated connection — evaluates every
// rule, persists state changes and samples, then hands off to notifications. If the leader dies,
// its connection closes, PostgreSQL releases the lock and another instance takes it on its next
// tick. `now` is always passed in, so tests drive the clock.
import os from "node:os";
import pg from "pg";
import { z } from "zod";
import { db, pool } from "@/lib/platform/db";
import { envFor, envHelpers } from "@/lib/platform/env";
import { logger } from "@/lib/platform/logger";
import { counter, gauge, histogram } from "@/lib/platform/metrics";
import { poolConfigFromUrl } from "@/lib/platform/database-config";
import type { RunningWorker, WorkerDefinition } from "@/lib/platform/worker-runtime";
import { allRules, findSignal } from "./registry";
import { compare, type AlertRule } from "./types";
import { addEvent, fingerprint, formatValue, renderTemplate, ruleLabels, OPEN_STATES, type AlertStateName } from "./instances";
import { runNotifications } from "./notify/dispatch";

export const alertingSettings = () =>
  envFor(
    "alerting",
    z.object({
      ALERT_EVALUATOR_ENABLED: envHelpers.bool(true),
      ALERT_EVALUATION_INTERVAL_SECONDS: z.coerce.number().min(0.2).max(3600).default(15),
    }),
  );

const evaluations = counter("opsdeck_alert_evaluations_total", "Rule evaluations by result", ["result"] as const);
const tickDuration = histogram("opsdeck_alert_evaluation_tick_seconds", "Duration of one evaluation tick of all rules", [], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
const transitions = counter("opsdeck_alert_transitions_total", "Alert state changes by new state and severity", ["state", "severity"] as const);
const firingGauge = gauge("opsdeck_alerts_firing", "Alerts currently firing by severity (evaluator leader's view)", ["severity"] as const);
const leaderGauge = gauge("opsdeck_alert_evaluator_leader", "1 when this process is the alert evaluator leader");

/** What one evaluation of a rule produced. */
export type Outcome = { kind: "value"; firing: boolean; value: number | null } | { kind: "nodata" } | { kind: "error"; message: string };

export async function evaluateRule(rule: AlertRule, now: Date): Promise<Outcome> {
  const ctx = { now, pool: pool() };
  try {
    if (rule.condition) {
      const r = await rule.condition(ctx);
      return r.value === null && !r.firing ? { kind: "nodata" } : { kind: "value", firing: r.firing, value: r.value };
    }
    const signal = findSignal(rule.signal);
    if (!signal) return { kind: "error", message: `unknown signal "${rule.signal}"` };
    const value = await signal.evaluate(ctx, rule.windowSeconds);
    if (value === null || Number.isNaN(value)) return { kind: "nodata" };
    return { kind: "value", firing: compare(value, rule.op, rule.threshold), value };
  } catch (err) {
    return { kind: "error", message: (err as Error).message || String(err) };
  }
}

interface OpenInstance {
  id: string;
  state: AlertStateName;
  activeAt: Date;
  firedAt: Date | null;
  lastTrueAt: Date | null;
}

/**
 * The state machine, pure: given the open episode (if any), this evaluation's outcome and the
 * rule's timings, what the episode becomes. null = no open episode and nothing to open.
 */
export function nextState(open: OpenInstance | null, outcome: Outcome, rule: Pick<AlertRule, "forSeconds" | "keepFiringForSeconds">, now: Date): AlertStateName | null {
  const since = (d: Date | null | undefined) => (d ? (now.getTime() - d.getTime()) / 1000 : Infinity);
  if (outcome.kind === "error") return "error";
  if (outcome.kind === "nodata") return "nodata";
  if (outcome.firing) {
    if (!open) return rule.forSeconds <= 0 ? "firing" : "pending";
    if (open.state === "firing") return "firing";
    // Back from nodata/error: an episode that had fired stays fired rather than paging again.
    if (open.firedAt) return "firing";
    const pendingSince = open.state === "pending" ? open.activeAt : now;
    return since(pendingSince) >= rule.forSeconds ? "firing" : "pending";
  }
  if (!open) return null;
  if (open.state === "firing" && since(open.lastTrueAt) < rule.keepFiringForSeconds) return "firing";
  return open.firedAt ? "resolved" : "inactive";
}

export interface TickResult {
  evaluated: number;
  changes: { rule: string; from: AlertStateName | null; to: AlertStateName; value: number | null }[];
  ms: number;
}

/** One evaluation of every rule at `now`, persisted. Callers ensure only the leader runs it. */
export async function evaluateAll(now: Date, rules: AlertRule[] = allRules()): Promise<TickResult> {
  const started = performance.now();
  const outcomes = await Promise.all(
    rules.map(async (rule) => {
      const labels = ruleLabels(rule);
      return { rule, labels, fp: fingerprint(labels), outcome: await evaluateRule(rule, now) };
    }),
  );
  for (const o of outcomes) evaluations.inc({ result: o.outcome.kind === "value" ? "ok" : o.outcome.kind });
  // A tick is a handful of round trips whatever the number of rules: one insert for the samples,
  // one read of the open episodes, one update for episodes that stay in their state; only state
  // changes (rare) get their own transaction with a timeline event.
  const valueOf = (o: Outcome) => (o.kind === "value" ? o.value : null);
  await pool().query(
    `insert into alert_samples (rule, at, value) select r, $1, v from unnest($2::text[], $3::float8[]) as s(r, v)
     on conflict (rule, at) do update set value = excluded.value`,
    [now, outcomes.map((o) => o.rule.name), outcomes.map((o) => valueOf(o.outcome))],
  );
  const openRows = await db().alertInstance.findMany({ where: { fingerprint: { in: outcomes.map((o) => o.fp) }, state: { in: [...OPEN_STATES] } } });
  const changes: TickResult["changes"] = [];
  const steady: { id: string; value: number | null; known: boolean; isTrue: boolean; summary: string; description: string; lastError: string | null }[] = [];
  for (const { rule, labels, fp, outcome } of outcomes) {
    const open = openRows.find((r) => r.fingerprint === fp) ?? null;
    const to = nextState(open, outcome, rule, now);
    if (to === null) continue;
    const value = valueOf(outcome);
    const isTrue = outcome.kind === "value" && outcome.firing;
    const text = { summary: renderTemplate(rule.summary, value, labels), description: renderTemplate(rule.description, value, labels) };
    const lastError = outcome.kind === "error" ? outcome.message.slice(0, 2000) : null;
    if (open && to === open.state) {
      steady.push({ id: open.id, value, known: outcome.kind === "value", isTrue, ...text, lastError });
      continue;
    }
    changes.push(await persistTransition(rule, labels, fp, outcome, open, to, now, { ...text, lastError }));
  }
  if (steady.length) {
    // Texts follow the last evaluation where the condition held; the value is kept through nodata/error.
    await pool().query(
      `update alert_instances a set
         last_eval_at = $1,
         value = case when v.known then v.value else a.value end,
         last_true_at = case when v.is_true then $1 else a.last_true_at end,
         summary = case when v.is_true then v.summary else a.summary end,
         description = case when v.is_true then v.description else a.description end,
         last_error = v.last_error
       from unnest($2::uuid[], $3::float8[], $4::bool[], $5::bool[], $6::text[], $7::text[], $8::text[]) as v(id, value, known, is_true, summary, description, last_error)
       where a.id = v.id`,
      [now, ...(["id", "value", "known", "isTrue", "summary", "description", "lastError"] as const).map((k) => steady.map((x) => x[k]))],
    );
  }
  const { rows } = await pool().query<{ severity: string; n: string }>(`select severity, count(*) as n from alert_instances where state = 'firing' group by 1`);
  for (const sev of ["critical", "warning", "info"]) firingGauge.set({ severity: sev }, Number(rows.find((r) => r.severity === sev)?.n ?? 0));
  const ms = performance.now() - started;
  tickDuration.observe(ms / 1000);
  return { evaluated: rules.length, changes, ms };
}

async function persistTransition(
  rule: AlertRule,
  labels: Record<string, string>,
  fp: string,
  outcome: Outcome,
  open: OpenInstance | null,
  to: AlertStateName,
  now: Date,
  text: { summary: string; description: string; lastError: string | null },
): Promise<TickResult["changes"][number]> {
  const value = outcome.kind === "value" ? outcome.value : null;
  const isTrue = outcome.kind === "value" && outcome.firing;
  const { lastError, ...texts } = text;
  return db().$transaction(async (tx) => {
    if (!open) {
      const created = await tx.alertInstance.create({
        data: {
          fingerprint: fp,
          rule: rule.name,
          severity: rule.severity,
          labels,
          ...texts,
          runbook: rule.runbook,
          state: to,
          value,
          lastError,
          activeAt: now,
          firedAt: to === "firing" ? now : null,
          lastTrueAt: isTrue ? now : null,
          lastEvalAt: now,
        },
      });
      await addEvent(tx, created.id, { kind: "state", at: now, fromState: "inactive", toState: to, value, message: describe(to, rule, outcome) });
      transitions.inc({ state: to, severity: rule.severity });
      return { rule: rule.name, from: null, to, value };
    }
    const ended = to === "resolved" || to === "inactive";
    await tx.alertInstance.update({
      where: { id: open.id },
      data: {
        state: to,
        // Keep the last real value while in nodata/error; the texts describe the last firing
        // evaluation, so a resolve notification still says what happened.
        ...(outcome.kind === "value" ? { value, ...(isTrue ? texts : {}) } : {}),
        lastError,
        lastEvalAt: now,
        ...(to === "pending" && open.state !== "pending" ? { activeAt: now } : {}),
        ...(to === "firing" && !open.firedAt ? { firedAt: now } : {}),
        ...(isTrue ? { lastTrueAt: now } : {}),
        ...(ended ? { resolvedAt: now } : {}),
      },
    });
    await addEvent(tx, open.id, { kind: "state", at: now, fromState: open.state, toState: to, value, message: describe(to, rule, outcome) });
    transitions.inc({ state: to, severity: rule.severity });
    return { rule: rule.name, from: open.state, to, value };
  });
}

function describe(to: AlertStateName, rule: AlertRule, outcome: Outcome): string {
  const v = outcome.kind === "value" ? formatValue(outcome.value) : "";
  switch (to) {
    case "pending":
      return `Condition met (value ${v} ${rule.op} ${rule.threshold}); firing if it holds for ${rule.forSeconds}s.`;
    case "firing":
      return `Firing: value ${v} ${rule.op} ${rule.threshold}.`;
    case "resolved":
      return `Resolved: value ${v} no longer ${rule.op} ${rule.threshold}${rule.keepFiringForSeconds ? ` (after keep_firing_for ${rule.keepFiringForSeconds}s)` : ""}.`;
    case "inactive":
      return `Condition cleared (value ${v}) before "for" elapsed; never fired.`;
    case "nodata":
      return `No data: signal "${rule.signal}" returned nothing for the window.`;
    case "error":
      return `Evaluation failed: ${outcome.kind === "error" ? outcome.message : "unknown error"}.`;
  }
}

/** Arbitrary but fixed: every Opsdeck process contends for this advisory lock key. */
export const LEADER_LOCK_KEY = 7_420_031_337;

export interface EvaluatorOptions {
  id?: string;
  intervalMs?: number;
  /** The clock; tests pass a controllable one. */
  clock?: () => Date;
  /** Run notifications after each tick (default true). */
  notify?: boolean;
}

/** One evaluator process: contends for leadership each tick, evaluates only while leading. */
export class AlertEvaluator {
  readonly id: string;
  private client: pg.Client | null = null;
  private leading = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastPruneAt = 0;

  constructor(private readonly opts: EvaluatorOptions = {}) {
    this.id = opts.id ?? `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  private now(): Date {
    return this.opts.clock ? this.opts.clock() : new Date();
  }

  private async ensureClient(): Promise<pg.Client> {
    if (this.client) return this.client;
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    const client = new pg.Client({ ...poolConfigFromUrl(url), application_name: `opsdeck-alert-evaluator` });
    // A dropped connection means the lock is gone: stop leading until we win it again.
    client.on("error", (err) => {
      logger.warn({ event: "alert_evaluator_connection_lost", evaluator: this.id, err: err.message }, "alert evaluator lost its leader connection");
      this.dropClient();
    });
    client.on("end", () => this.dropClient());
    await client.connect();
    this.client = client;
    return client;
  }

  private dropClient(): void {
    if (this.leading) logger.warn({ event: "alert_evaluator_leadership_lost", evaluator: this.id }, "alert evaluator is no longer the leader");
    this.leading = false;
    leaderGauge.set(0);
    const c = this.client;
    this.client = null;
    c?.end().catch(() => {});
  }

  /** Contend for leadership; true when this instance leads after the call. */
  async tryLead(): Promise<boolean> {
    try {
      const client = await this.ensureClient();
      if (this.leading) {
        // Cheap liveness check of the lock connection.
        await client.query("select 1");
        return true;
      }
      const { rows } = await client.query<{ ok: boolean }>("select pg_try_advisory_lock($1) as ok", [LEADER_LOCK_KEY]);
      if (rows[0]?.ok) {
        this.leading = true;
        leaderGauge.set(1);
        const now = this.now();
        await db().alertEvaluatorLeader.upsert({
          where: { id: 1 },
          create: { id: 1, holder: this.id, since: now, heartbeatAt: now },
          update: { holder: this.id, since: now, heartbeatAt: now },
        });
        logger.info({ event: "alert_evaluator_leader", evaluator: this.id }, "alert evaluator became the leader");
      }
      return this.leading;
    } catch (err) {
      logger.warn({ event: "alert_evaluator_lead_failed", evaluator: this.id, err: (err as Error).message }, "alert evaluator could not contend for leadership");
      this.dropClient();
      return false;
    }
  }

  /** One tick: lead if possible, then evaluate and notify. Returns null when not leading. */
  async tick(): Promise<TickResult | null> {
    if (!(await this.tryLead())) return null;
    const now = this.now();
    const result = await evaluateAll(now);
    if (this.opts.notify !== false) await runNotifications(now);
    // Chart samples: ~70k rows a day for a dozen rules at 15 s. Keep two weeks, pruned hourly.
    if (now.getTime() - this.lastPruneAt > 3_600_000) {
      this.lastPruneAt = now.getTime();
      await pool().query("delete from alert_samples where at < $1", [new Date(now.getTime() - 14 * 86_400_000)]);
    }
    await db().alertEvaluatorLeader.updateMany({
      where: { id: 1, holder: this.id },
      data: { heartbeatAt: now, lastTickAt: now, lastTickMs: Math.round(result.ms) },
    });
    return result;
  }

  start(): void {
    const interval = this.opts.intervalMs ?? alertingSettings().ALERT_EVALUATION_INTERVAL_SECONDS * 1000;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .then(() => undefined)
        .catch((err) => logger.error({ event: "alert_evaluation_failed", evaluator: this.id, err }, "alert evaluation tick failed"))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, interval);
        });
    };
    loop();
  }

  /** Finish the tick in flight, release the lock (closing the connection releases it too). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    if (this.client && this.leading) {
      await this.client.query("select pg_advisory_unlock($1)", [LEADER_LOCK_KEY]).catch(() => {});
      this.leading = false; // a planned hand-over, not a lost lock: no warning
      logger.info({ event: "alert_evaluator_stepped_down", evaluator: this.id }, "alert evaluator stepped down; another instance leads from its next tick");
    }
    this.dropClient();
  }
}

export const alertEvaluatorWorker: WorkerDefinition = {
  name: "alert-evaluator",
  enabled() {
    const s = alertingSettings();
    return s.ALERT_EVALUATOR_ENABLED
      ? { enabled: true, settings: { intervalSeconds: s.ALERT_EVALUATION_INTERVAL_SECONDS } }
      : { enabled: false, reason: "ALERT_EVALUATOR_ENABLED=false" };
  },
  async start(): Promise<RunningWorker> {
    const ev = new AlertEvaluator();
    ev.start();
    return { stop: () => ev.stop() };
  },
};
