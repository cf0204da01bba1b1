import { z } from "zod";
import { queryInt, route } from "@/lib/platform/http/route";
import { EVENT_OUTCOMES, EVENT_TYPE_FILTERS, listEvents } from "@/lib/payments/stats";

export const dynamic = "force-dynamic";

const query = z
  .object({
    type: z.enum(EVENT_TYPE_FILTERS).optional(),
    outcome: z.enum(EVENT_OUTCOMES).optional(),
    limit: queryInt(1, 200, 50),
    before: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const GET = route({ route: "/api/v1/payments/events", policy: { session: "read" }, query }, ({ query }) =>
  listEvents({ type: query.type, outcome: query.outcome, limit: query.limit, before: query.before ? new Date(query.before) : undefined }),
);
