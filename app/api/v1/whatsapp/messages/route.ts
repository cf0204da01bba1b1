import { z } from "zod";
import { route, queryInt } from "@/lib/platform/http/route";
import { text } from "@/lib/platform/http/schema-types";
import { listMessages } from "@/lib/whatsapp/stats";

export const dynamic = "force-dynamic";

const MESSAGE_STATUSES = ["accepted", "duplicate", "extracted", "no_offer", "error"] as const;

export const GET = route(
  {
    route: "/api/v1/whatsapp/messages",
    policy: { session: "read", apiKey: "metrics:read" },
    query: z.object({
      status: z.enum(MESSAGE_STATUSES, { error: `status is one of ${MESSAGE_STATUSES.join(", ")}` }).optional(),
      client_id: text("client_id").regex(/^[A-Za-z0-9._:@-]{1,64}$/, "client_id is 1–64 letters, digits or . _ : @ -").optional(),
      q: text("q").min(1).max(200).optional(),
      limit: queryInt(1, 200, 50),
    }),
  },
  async ({ query }) => ({ messages: await listMessages(query) }),
);
