import { z } from "zod";
import { route, queryInt } from "@/lib/platform/http/route";
import { text } from "@/lib/platform/http/schema-types";
import { FAILURE_KINDS, recentFailures } from "@/lib/whatsapp/stats";

export const dynamic = "force-dynamic";

export const GET = route(
  {
    route: "/api/v1/whatsapp/failures",
    policy: { session: "read", apiKey: "metrics:read" },
    query: z.object({
      kind: z.enum(FAILURE_KINDS, { error: `kind is one of ${FAILURE_KINDS.join(", ")}` }).optional(),
      client_id: text("client_id").regex(/^[A-Za-z0-9._:@-]{1,64}$/, "client_id is 1–64 letters, digits or . _ : @ -").optional(),
      reason: text("reason").regex(/^[a-z_]{1,60}$/, "reason is a lower-case code such as rate_limited").optional(),
      limit: queryInt(1, 50, 50),
    }),
  },
  async ({ query }) => ({ failures: await recentFailures(query) }),
);
