import { route } from "@/lib/platform/http/route";
import { forcePlatformOpen } from "@/lib/reconciliation/breakers";
import { platformParams, reasonBody } from "../../schemas";

export const POST = route(
  { route: "/api/v1/reconciliation/breakers/[platform]/force-open", policy: { session: "operate" }, params: platformParams, body: reasonBody },
  async ({ params, body, actor }) => ({ breaker: await forcePlatformOpen(params.platform, { actor, reason: body.reason }) }),
);
