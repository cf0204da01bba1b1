import { route, queryInt } from "@/lib/platform/http/route";
import { deadLetterFilterSchema } from "@/lib/fulfillment/dead-letters/filter";
import { errorGroups } from "@/lib/fulfillment/dead-letters/queries";

export const dynamic = "force-dynamic";

export const GET = route(
  { route: "/api/v1/fulfillment/dead-letters/groups", sharedRead: true, policy: { session: "read" }, query: deadLetterFilterSchema.extend({ limit: queryInt(1, 200, 50) }) },
  async ({ query }) => {
    const { limit, ...filter } = query;
    return { groups: await errorGroups(filter, limit) };
  },
);
