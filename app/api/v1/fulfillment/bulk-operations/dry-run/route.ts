import { route } from "@/lib/platform/http/route";
import { previewFilter } from "@/lib/fulfillment/dead-letters/queries";
import { filterToJson } from "@/lib/fulfillment/dead-letters/filter";
import { bulkBody } from "../schemas";

/** What a bulk action would touch right now: the count and a sample. Changes nothing. */
export const POST = route(
  { route: "/api/v1/fulfillment/bulk-operations/dry-run", policy: { session: "operate" }, body: bulkBody },
  async ({ body }) => ({ action: body.action, filter: filterToJson(body.filter), ...(await previewFilter(body.filter)) }),
);
