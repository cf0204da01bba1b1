import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { acknowledge } from "@/lib/alerting/actions";
import { text, uuidId } from "@/lib/platform/http/schema-types";

export const POST = route(
  {
    route: "/api/v1/alerts/[id]/ack",
    policy: { session: "operate" },
    params: z.object({ id: uuidId("alert id") }),
    body: z.object({
      comment: text("comment").trim().min(1, "Say what you are doing about it").max(1000),
      owner: text("owner").trim().min(1).max(200).optional(),
    }),
  },
  async ({ params, body, identity, actor }) => {
    const owner = body.owner ?? (identity.kind === "session" ? identity.email : actor);
    const { instance, pagerdutyAcknowledgements } = await acknowledge(params.id, { owner, comment: body.comment }, actor);
    return { id: instance.id, ackBy: owner, pagerdutyAcknowledgements };
  },
);
