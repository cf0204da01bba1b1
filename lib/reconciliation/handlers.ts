import "server-only";
// Reconciliation's queue handlers, composed with every domain's in lib/domains.ts.
import type pg from "pg";
import type { HandlerRegistry } from "@/lib/fulfillment/worker";
import { platformBreakerFor } from "./breakers";
import { processReconcileTask } from "./reconcile";
import { RECONCILE_TASK_TYPE } from "./task-types";

export function createReconciliationHandlers(p: () => pg.Pool): HandlerRegistry {
  return {
    [RECONCILE_TASK_TYPE]: async (task) => {
      await processReconcileTask(p(), task.payload, platformBreakerFor);
    },
  };
}
