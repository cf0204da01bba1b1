// The one table of queue task types: each domain's contribution, composed. Imported by the queue
// (payload validation), the dead-letter console (edit-and-retry) and stats; holds no handlers.
import type { z } from "zod";
import { composeTaskTypes } from "./platform/task-types";
import { fulfillmentTaskTypes } from "./fulfillment/task-types";
import { paymentTaskTypes } from "./payments/task-types";
import { whatsappTaskTypes } from "./whatsapp/task-types";
import { reconciliationTaskTypes } from "./reconciliation/task-types";

export const taskTypes = composeTaskTypes(fulfillmentTaskTypes, paymentTaskTypes, whatsappTaskTypes, reconciliationTaskTypes);

export const TASK_TYPE_NAMES = Object.keys(taskTypes);

export function isTaskType(value: string): boolean {
  return Object.hasOwn(taskTypes, value);
}

export function payloadSchemaFor(type: string): z.ZodType | null {
  return isTaskType(type) ? taskTypes[type].payloadSchema : null;
}
