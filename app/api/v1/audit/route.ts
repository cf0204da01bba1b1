import { route, queryInt } from "@/lib/platform/http/route";
import { pageCursor } from "@/lib/platform/http/schema-types";
import { auditFilterSchema, listAudit } from "@/lib/fulfillment/dead-letters/audit-log";

export const dynamic = "force-dynamic";

export const GET = route(
  { route: "/api/v1/audit", sharedRead: true, policy: { session: "read" }, query: auditFilterSchema.extend({ cursor: pageCursor.optional(), limit: queryInt(1, 200, 50) }) },
  async ({ query }) => {
    const { cursor, limit, ...filter } = query;
    return listAudit(filter, { cursor, limit });
  },
);
