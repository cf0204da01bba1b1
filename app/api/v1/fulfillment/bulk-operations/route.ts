import { route } from "@/lib/platform/http/route";
import { createBulkOperation } from "@/lib/fulfillment/dead-letters/bulk";
import { bulkBody, bulkReason } from "./schemas";

/**
 * Freezes the ids matching the filter and starts the chunked run in this process (the response does
 * not wait for it); poll GET /api/v1/fulfillment/bulk-operations/{id} for progress.
 */
export const POST = route(
  { route: "/api/v1/fulfillment/bulk-operations", policy: { session: "operate" }, body: bulkBody.extend({ reason: bulkReason }) },
  async ({ body, actor }) => ({ operation: await createBulkOperation(body.action, body.filter, { actor, reason: body.reason }) }),
);
