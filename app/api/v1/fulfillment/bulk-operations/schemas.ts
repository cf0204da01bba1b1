import { z } from "zod";
import { deadLetterFilterSchema } from "@/lib/fulfillment/dead-letters/filter";
import { text, uuidId } from "@/lib/platform/http/schema-types";

export const bulkBody = z.object({ action: z.enum(["retry", "discard"]), filter: deadLetterFilterSchema.default({}) });
export const operationParams = z.object({ id: uuidId("operation id") });
export const bulkReason = text("reason").trim().max(500);
