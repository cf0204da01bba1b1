import { route, queryInt } from "@/lib/platform/http/route";
import { pageCursor } from "@/lib/platform/http/schema-types";
import { deadLetterFilterSchema } from "@/lib/fulfillment/dead-letters/filter";
import { listDeadLetters } from "@/lib/fulfillment/dead-letters/queries";

export const dynamic = "force-dynamic";

export const GET = route(
  {
    route: "/api/v1/fulfillment/dead-letters", sharedRead: true,
    policy: { session: "read" },
    query: deadLetterFilterSchema.extend({ cursor: pageCursor.optional(), limit: queryInt(1, 200, 50) }),
  },
  async ({ query }) => {
    const { cursor, limit, ...filter } = query;
    return listDeadLetters(filter, { cursor, limit });
  },
);
