import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { editAndRetry } from "@/lib/fulfillment/dead-letters/actions";
import { jsonValue } from "@/lib/platform/http/schema-types";
import { reasonField, taskIdParams } from "../../schemas";

/** Replace the payload (validated against the task type's schema → 422 on mismatch) and requeue. */
export const POST = route(
  {
    route: "/api/v1/fulfillment/dead-letters/[id]/edit-retry",
    policy: { session: "operate" },
    params: taskIdParams,
    body: z.object({ payload: jsonValue("payload").refine((v) => v !== undefined, "payload is required"), reason: reasonField }),
    maxBodyBytes: 256 * 1024,
  },
  async ({ params, body, actor }) => editAndRetry(params.id, body.payload, { actor, reason: body.reason }),
);
