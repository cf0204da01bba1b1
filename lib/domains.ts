import "server-only";
// Every domain plugs its background workers and demo data in here: one list, read by
// instrumentation.ts, `npm run worker` and the demo launcher.
import type { WorkerDefinition } from "./platform/worker-runtime";
import { alertEvaluatorWorker } from "./alerting/evaluator";
import { fulfillmentReadiness, queueWorkerDefinition } from "./fulfillment/runtime";
import { createHandlers } from "./fulfillment/handlers";
import type { HandlerRegistry } from "./fulfillment/worker";
import { pool } from "./platform/db";
import { createPaymentHandlers } from "./payments/handlers";
import { createWhatsappHandlers } from "./whatsapp/handlers";
import { metricsPayload as whatsappMetrics } from "./whatsapp/stats";
import { whatsappSimulatorDefinition } from "./whatsapp/simulator";
import type { JsonMetricsSections } from "./platform/http/prometheus";
import { seedFulfillmentHistory, simulatorDefinition } from "./fulfillment/simulator";
import { bulkResumer } from "./fulfillment/dead-letters/bulk";

/** Every domain's handlers for the shared task queue (task types: lib/task-types.ts). */
export const taskHandlers = (): HandlerRegistry => ({
  ...createHandlers(),
  ...createPaymentHandlers(pool),
  ...createWhatsappHandlers(pool),
});

export const workers: WorkerDefinition[] = [
  alertEvaluatorWorker,
  queueWorkerDefinition(taskHandlers),
  simulatorDefinition,
  whatsappSimulatorDefinition,
  bulkResumer,
];

/** Demo-mode seeders, run at start-up in order; each must be idempotent. */
export const demoSeeders: { name: string; seed: () => Promise<void> }[] = [
  { name: "fulfillment-history", seed: () => seedFulfillmentHistory() },
];

/** Extra readiness checks (e.g. worker heartbeats); a failing check makes /api/readyz answer 503. */
export const readinessChecks: { name: string; check: () => Promise<{ ok: boolean; detail?: string }> }[] = [
  { name: "fulfillment-worker", check: fulfillmentReadiness },
];

/** The JSON form of /metrics (Accept: application/json): one section per service. */
export const jsonMetricsSections: JsonMetricsSections = {
  whatsapp: () => whatsappMetrics(),
};
