import { route } from "@/lib/platform/http/route";
import { getBulkOperation } from "@/lib/fulfillment/dead-letters/bulk";
import { operationParams } from "../schemas";

export const dynamic = "force-dynamic";

export const GET = route({ route: "/api/v1/fulfillment/bulk-operations/[id]", policy: { session: "read" }, params: operationParams }, async ({ params }) => ({
  operation: await getBulkOperation(params.id),
}));
