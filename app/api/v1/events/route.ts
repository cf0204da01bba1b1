import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { bigintId, filterTimestamp, text } from "@/lib/platform/http/schema-types";
import { listEvents } from "@/lib/platform/telemetry/event-queries";
import { EVENT_SEVERITIES } from "@/lib/platform/telemetry/events";

export const dynamic = "force-dynamic";

const list = (item: z.ZodType<string>) =>
  z.preprocess((v) => (typeof v === "string" ? v.split(",").filter(Boolean) : v), z.array(item).max(20)).optional();
const id = (field: string) => bigintId(field).transform((v) => BigInt(v));

/** Operational events, newest first: filter by name, severity, route, request/trace id and time; `after` for a live tail. */
export const GET = route(
  {
    route: "/api/v1/events",
    policy: { session: "read", apiKey: "metrics:read" },
    query: z.object({
      name: list(text("name").regex(/^[a-z][a-z0-9_.]{0,63}$/, "an event name like http.request.slow")),
      severity: list(z.enum(EVENT_SEVERITIES as [string, ...string[]])),
      route: text("route").max(200).optional(),
      request_id: text("request_id").max(64).optional(),
      trace_id: text("trace_id").regex(/^[0-9a-f]{32}$/, "a 32-digit hex trace id").optional(),
      since: filterTimestamp("since").optional(),
      until: filterTimestamp("until").optional(),
      before: id("before").optional(),
      after: id("after").optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  async ({ query }) =>
    listEvents({
      name: query.name,
      severity: query.severity as never,
      route: query.route,
      requestId: query.request_id,
      traceId: query.trace_id,
      since: query.since,
      until: query.until,
      before: query.before,
      after: query.after,
      limit: query.limit,
    }),
);
