import { z } from "zod";
import { route, queryInt } from "@/lib/platform/http/route";
import { listMessages } from "@/lib/whatsapp/stats";

export const dynamic = "force-dynamic";

const MESSAGE_STATUSES = ["accepted", "duplicate", "extracted", "no_offer", "error"] as const;

export const GET = route(
  {
    route: "/api/v1/whatsapp/messages",
    policy: { session: "read", apiKey: "metrics:read" },
    query: z.object({
      status: z.enum(MESSAGE_STATUSES, { error: `status is one of ${MESSAGE_STATUSES.join(", ")}` }).optional(),
      client_id: z.string().regex(/^[A-Za-z0-9._:@-]{1,64}$/, "client_id is 1–64 letters, digits or . _ : @ -").optional(),
      q: z.string().min(1).max(200).refine((s) => !s.includes("\u0000"), "q must not contain NUL characters").optional(),
      limit: queryInt(1, 200, 50),
    }),
  },
  async ({ query }) => ({ messages: await listMessages(query) }),
);
