import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { actOnOne } from "@/lib/fulfillment/dead-letters/actions";
import { reasonField, taskIdParams } from "../../schemas";

export const POST = route(
  { route: "/api/v1/fulfillment/dead-letters/[id]/retry", policy: { session: "operate" }, params: taskIdParams, body: z.object({ reason: reasonField }) },
  async ({ params, body, actor }) => actOnOne("retry", params.id, { actor, reason: body.reason }),
);
