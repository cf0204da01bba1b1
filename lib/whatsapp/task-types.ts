// WhatsApp's part of the queue's task-type table: offers are extracted from an accepted batch's
// messages as one queued task, so an extraction that keeps failing is a dead letter like any other.
import { z } from "zod";
import type { TaskTypeTable } from "@/lib/platform/task-types";

export const EXTRACT_TASK_TYPE = "whatsapp_extract_offers";

export const extractTaskPayload = z
  .object({ messageIds: z.array(z.string().regex(/^\d{1,19}$/, "message row ids are decimal integers")).min(1).max(1000) })
  .strict();
export type ExtractTaskPayload = z.infer<typeof extractTaskPayload>;

export const whatsappTaskTypes = {
  [EXTRACT_TASK_TYPE]: {
    description: "Extract offers (product, price, currency, quantity, seller) from an accepted batch of WhatsApp messages",
    payloadSchema: extractTaskPayload,
  },
} satisfies TaskTypeTable;
