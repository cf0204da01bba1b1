// Payments' part of the queue's task-type table: a verified Stripe webhook event is processed as a
// queued task, so a handler failure becomes a dead letter an operator can inspect and retry.
import { z } from "zod";
import type { TaskTypeTable } from "@/lib/platform/task-types";

/** The webhook event types with a handler; every other type is acknowledged and counted as ignored. */
export const HANDLED_EVENT_TYPES = ["payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded", "charge.dispute.created"] as const;
export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];

export function isHandledEventType(type: string): type is HandledEventType {
  return (HANDLED_EVENT_TYPES as readonly string[]).includes(type);
}

/** What the handler needs from the event (no card data): extracted at ingest, editable in the dead-letter console. */
export const webhookTaskPayload = z
  .object({
    eventId: z.string().min(1).max(255),
    eventType: z.enum(HANDLED_EVENT_TYPES),
    paymentIntentId: z.string().min(1).max(255).nullable(),
    orderReference: z.string().min(1).max(200).nullable(),
    amountCents: z.number().int().nonnegative().nullable(),
    failureCode: z.string().max(100).nullable(),
  })
  .strict();
export type WebhookTaskPayload = z.infer<typeof webhookTaskPayload>;

export const WEBHOOK_TASK_TYPE = "process_payment_webhook";

export const paymentTaskTypes = {
  [WEBHOOK_TASK_TYPE]: {
    description: "Apply a verified Stripe webhook event to its order (payment, refund, dispute)",
    payloadSchema: webhookTaskPayload,
  },
} satisfies TaskTypeTable;
