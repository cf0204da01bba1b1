import "server-only";
// Every domain plugs its background workers and demo data in here: one list, read by
// instrumentation.ts, `npm run worker` and the demo launcher.
import type { WorkerDefinition } from "./platform/worker-runtime";
import type { ReadinessCheck } from "./platform/health";
import { pool } from "./platform/db";
import { telemetryRetentionWorker } from "./platform/telemetry/retention";
import { breakerHistoryRetention } from "./platform/breakers/retention";
import type { OverviewTileSource } from "./platform/overview";
import { apiTile } from "./platform/telemetry/overview";
import { fulfillmentTile } from "./fulfillment/overview";
import { alertsTile } from "./alerting/overview";
import { sloTile } from "./slo/overview";
import { paymentsTile } from "./payments/overview";
import { catalogTile } from "./catalog/overview";
import { whatsappTile } from "./whatsapp/overview";
import type { TestTask } from "./platform/telemetry/verify";
import { fulfillmentTestTask } from "./fulfillment/verify";
import { sloCacheProbe } from "./slo/verify";
import { alertEvaluatorWorker } from "./alerting/evaluator";
import { fulfillmentReadiness, queueWorkerDefinition } from "./fulfillment/runtime";
import { createHandlers } from "./fulfillment/handlers";
import type { HandlerRegistry } from "./fulfillment/worker";
import { createPaymentHandlers } from "./payments/handlers";
import { paymentsSimulatorDefinition } from "./payments/simulator";
import { paymentsHousekeepingDefinition } from "./payments/housekeeping";
import { createWhatsappHandlers } from "./whatsapp/handlers";
import { metricsPayload as whatsappMetrics } from "./whatsapp/stats";
import { whatsappSimulatorDefinition } from "./whatsapp/simulator";
import { fulfillmentRetentionDefinition } from "./fulfillment/retention";
import { whatsappRetentionWorker } from "./whatsapp/retention";
import type { JsonMetricsSections } from "./platform/http/prometheus";
import { seedFulfillmentHistory, simulatorDefinition } from "./fulfillment/simulator";
import { bulkResumer } from "./fulfillment/dead-letters/bulk";
import { catalogSimulator, seedCatalogDemo } from "./catalog/demo-traffic";
import { insightSnapshotsDefinition } from "./catalog/insight-snapshots";
import { catalogRetentionDefinition } from "./catalog/retention";
import { createReconciliationHandlers } from "./reconciliation/handlers";
import { reconciliationSimulatorDefinition, seedReconciliationDemo } from "./reconciliation/simulator";
import { reconciliationTile } from "./reconciliation/overview";
import { rereconcileKind } from "./reconciliation/rereconcile";

/** Every domain's handlers for the shared task queue (task types: lib/task-types.ts). */
export const taskHandlers = (): HandlerRegistry => ({
  ...createHandlers(),
  ...createPaymentHandlers(pool),
  ...createWhatsappHandlers(pool),
  ...createReconciliationHandlers(pool),
});

/** Kinds of bulk operation beyond dead-letter retry/discard, registered here so the resumer can continue them. */
export const bulkKinds = [rereconcileKind];

export const workers: WorkerDefinition[] = [
  telemetryRetentionWorker(pool),
  breakerHistoryRetention,
  alertEvaluatorWorker,
  queueWorkerDefinition(taskHandlers),
  fulfillmentRetentionDefinition,
  simulatorDefinition,
  paymentsSimulatorDefinition,
  paymentsHousekeepingDefinition,
  whatsappSimulatorDefinition,
  whatsappRetentionWorker(pool),
  bulkResumer,
  catalogSimulator,
  insightSnapshotsDefinition,
  catalogRetentionDefinition,
  reconciliationSimulatorDefinition,
];

/** Demo-mode seeders, run at start-up in order; each must be idempotent. */
export const demoSeeders: { name: string; seed: () => Promise<void> }[] = [
  { name: "fulfillment-history", seed: () => seedFulfillmentHistory() },
  { name: "catalog", seed: () => seedCatalogDemo() },
  { name: "reconciliation-affiliates", seed: () => seedReconciliationDemo() },
];

/** Extra readiness checks (e.g. worker heartbeats); a failing check makes /api/readyz answer 503. */
export const readinessChecks: ReadinessCheck[] = [
  { name: "fulfillment-worker", check: fulfillmentReadiness },
];

/** The overview's tiles, in reading order after the firing alerts; a domain appends its own. */
export const overviewTiles: OverviewTileSource[] = [alertsTile, fulfillmentTile, paymentsTile, catalogTile, whatsappTile, reconciliationTile, sloTile, apiTile];

/** `opsdeck verify`: one harmless task per worker runtime, run to completion; and the cache it round-trips. */
export const testTasks: TestTask[] = [fulfillmentTestTask];
export const verifyCache = sloCacheProbe;

/** The JSON form of /metrics (Accept: application/json): one section per service. */
export const jsonMetricsSections: JsonMetricsSections = {
  whatsapp: () => whatsappMetrics(),
};
