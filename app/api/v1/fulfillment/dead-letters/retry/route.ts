import { route } from "@/lib/platform/http/route";
import { actOnSelected } from "@/lib/fulfillment/dead-letters/actions";
import { selectedBody } from "../schemas";

/** The selected tasks (up to 1,000); for everything matching a filter use a bulk operation. */
export const POST = route(
  { route: "/api/v1/fulfillment/dead-letters/retry", policy: { session: "operate" }, body: selectedBody },
  async ({ body, actor }) => actOnSelected("retry", body.ids, { actor, reason: body.reason }),
);
