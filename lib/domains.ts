import "server-only";
// Every domain plugs its background workers and demo data in here: one list, read by
// instrumentation.ts, `npm run worker` and the demo launcher.
import type { WorkerDefinition } from "./platform/worker-runtime";
import type { ReadinessCheck } from "./platform/health";
import { pool } from "./platform/db";
import { telemetryRetentionWorker } from "./platform/telemetry/retention";
import { alertEvaluatorWorker } from "./alerting/evaluator";
import { fulfillmentReadiness, fulfillmentWorkerDefinition } from "./fulfillment/runtime";
import { seedFulfillmentHistory, simulatorDefinition } from "./fulfillment/simulator";
import { bulkResumer } from "./fulfillment/dead-letters/bulk";

export const workers: WorkerDefinition[] = [
  telemetryRetentionWorker(pool),
  alertEvaluatorWorker,
  fulfillmentWorkerDefinition,
  simulatorDefinition,
  bulkResumer,
];

/** Demo-mode seeders, run at start-up in order; each must be idempotent. */
export const demoSeeders: { name: string; seed: () => Promise<void> }[] = [
  { name: "fulfillment-history", seed: () => seedFulfillmentHistory() },
];

/** Extra readiness checks (e.g. worker heartbeats); a failing check makes /api/readyz answer 503. */
export const readinessChecks: ReadinessCheck[] = [
  { name: "fulfillment-worker", check: fulfillmentReadiness },
];
