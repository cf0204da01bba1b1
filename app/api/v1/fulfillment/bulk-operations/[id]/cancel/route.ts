import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { cancelBulkOperation } from "@/lib/fulfillment/dead-letters/bulk";
import { bulkReason, operationParams } from "../../schemas";

export const POST = route(
  { route: "/api/v1/fulfillment/bulk-operations/[id]/cancel", policy: { session: "operate" }, params: operationParams, body: z.object({ reason: bulkReason.optional() }) },
  async ({ params, body, actor }) => ({ operation: await cancelBulkOperation(params.id, { actor, reason: body.reason }) }),
);
