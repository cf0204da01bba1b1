// Reconciliation's part of the queue's task-type table: one queued task per fetch attempt, so each
// attempt runs at its scheduled time, with its affiliate's priority, on any worker process.
import { z } from "zod";
import type { TaskTypeTable } from "@/lib/platform/task-types";

export const RECONCILE_TASK_TYPE = "reconciliation.reconcile";

export const reconcileTaskPayload = z
  .object({
    submissionId: z.string().regex(/^\d{1,19}$/, "submissionId is a decimal integer"),
    /** Which attempt this task is (1-based): a duplicate or stale task finds the submission moved on and does nothing. */
    attempt: z.number().int().min(1).max(100),
  })
  .strict();
export type ReconcileTaskPayload = z.infer<typeof reconcileTaskPayload>;

export const reconciliationTaskTypes = {
  [RECONCILE_TASK_TYPE]: {
    description: "Fetch a platform's figures for an affiliate's claim (through the platform's circuit breaker), classify it, raise alerts and move trust",
    payloadSchema: reconcileTaskPayload,
  },
} satisfies TaskTypeTable;
