import { z } from "zod";
import { queryInt, route } from "@/lib/platform/http/route";
import { text } from "@/lib/platform/http/schema-types";
import { OBSERVABILITY_SCOPES } from "@/lib/platform/auth/roles";
import { EVENT_OUTCOMES, EVENT_TYPE_FILTERS, listEvents } from "@/lib/payments/stats";

export const dynamic = "force-dynamic";

const query = z
  .object({
    id: text("id").regex(/^[A-Za-z0-9_-]{1,255}$/, "an event id is letters, digits, _ and - (e.g. evt_…)").optional(),
    type: z.enum(EVENT_TYPE_FILTERS).optional(),
    outcome: z.enum(EVENT_OUTCOMES).optional(),
    limit: queryInt(1, 200, 50),
    before: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

// Machines with the checkout or metrics:read scope may read it too (the smoke checks one event).
export const GET = route({ route: "/api/v1/payments/events", policy: { session: "read", apiKey: OBSERVABILITY_SCOPES }, query }, ({ query }) =>
  listEvents({ id: query.id, type: query.type, outcome: query.outcome, limit: query.limit, before: query.before ? new Date(query.before) : undefined }),
);
