import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { acknowledge } from "@/lib/alerting/actions";

export const POST = route(
  {
    route: "/api/v1/alerts/[id]/ack",
    policy: { session: "operate" },
    params: z.object({ id: z.string().uuid("Not an alert id") }),
    body: z.object({
      comment: z.string().trim().min(1, "Say what you are doing about it").max(1000),
      owner: z.string().trim().min(1).max(200).optional(),
    }),
  },
  async ({ params, body, identity, actor }) => {
    const owner = body.owner ?? (identity.kind === "session" ? identity.email : actor);
    const { instance, pagerdutyAcknowledgements } = await acknowledge(params.id, { owner, comment: body.comment }, actor);
    return { id: instance.id, ackBy: owner, pagerdutyAcknowledgements };
  },
);
