import { z } from "zod";
import { deadLetterFilterSchema } from "@/lib/fulfillment/dead-letters/filter";

export const bulkBody = z.object({ action: z.enum(["retry", "discard"]), filter: deadLetterFilterSchema.default({}) });
export const operationParams = z.object({ id: z.string().uuid("operation id must be a UUID") });
