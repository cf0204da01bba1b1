// Everything the SLO detail page and GET /api/v1/slos/<name> show, in one place.
import type { Pool } from "pg";
import type { SloDefinition } from "./definitions";
import { burnRuleDetails } from "./rules";
import { cachedStatus, computeHistory, type HistoryPoint, type SloStatus } from "./status";
import { windowLabel } from "./math";

export interface BurnAlertState {
  rule: string;
  severity: "critical" | "warning";
  longWindow: string;
  shortWindow: string;
  factor: number;
  budgetPercent: number;
  /** the condition holds now (before the rule's `for`); the alert list has the authoritative state */
  conditionMet: boolean;
  longBurnRate: number | null;
  runbook: string;
}

export interface SloDetail {
  status: SloStatus;
  history: HistoryPoint[];
  alerts: BurnAlertState[];
  minEvents: number;
  definition: { good: SloDefinition["good"]; total: SloDefinition["total"] };
}

export async function sloDetail(pool: Pool, slo: SloDefinition, now: Date): Promise<SloDetail> {
  const [status, history] = await Promise.all([cachedStatus(pool, slo, now), computeHistory(pool, slo, now)]);
  const alerts = await Promise.all(
    burnRuleDetails()
      .filter((d) => d.slo.name === slo.name)
      .map(async (d) => {
        const result = await d.rule.condition!({ now, pool });
        return {
          rule: d.rule.name,
          severity: d.window.severity,
          longWindow: windowLabel(d.window.longSeconds),
          shortWindow: windowLabel(d.window.shortSeconds),
          factor: d.factor,
          budgetPercent: d.window.budgetPercent,
          conditionMet: result.firing,
          longBurnRate: result.value,
          runbook: d.rule.runbook,
        };
      }),
  );
  return { status, history, alerts, minEvents: slo.minEvents, definition: { good: slo.good, total: slo.total } };
}
