// The fulfillment task types and their payload schemas, fulfillment's part of the queue's task-type
// table (composed with other domains' in lib/task-types.ts).
import { z } from "zod";
import type { TaskTypeTable } from "@/lib/platform/task-types";

const orderItemRef = { orderItemId: z.string().uuid().optional() };

export const fulfillmentTaskTypes = {
  reserve_inventory: {
    description: "Reserve stock for an order item at the warehouse provider",
    payloadSchema: z.object({ sku: z.string().min(1), quantity: z.number().int().positive(), warehouse: z.string().min(1), ...orderItemRef }).strict(),
  },
  capture_payment: {
    description: "Capture the authorised payment for an order",
    payloadSchema: z.object({ orderReference: z.string().min(1), amountCents: z.number().int().positive(), currency: z.string().length(3), ...orderItemRef }).strict(),
  },
  ship_order_item: {
    description: "Book a shipment with the carrier provider",
    payloadSchema: z.object({ sku: z.string().min(1), quantity: z.number().int().positive(), carrier: z.string().min(1), postcode: z.string().min(2), ...orderItemRef }).strict(),
  },
  notify_customer: {
    description: "Send the customer a fulfillment notification",
    payloadSchema: z.object({ orderReference: z.string().min(1), channel: z.enum(["email", "sms"]), template: z.string().min(1), ...orderItemRef }).strict(),
  },
  noop: {
    description: "Does nothing; used by smoke tests and benchmarks",
    payloadSchema: z.object({}).passthrough(),
  },
} as const satisfies TaskTypeTable;

export type TaskType = keyof typeof fulfillmentTaskTypes;
