import { route } from "@/lib/platform/http/route";
import { resetPlatformBreaker } from "@/lib/reconciliation/breakers";
import { platformParams, reasonBody } from "../../schemas";

export const POST = route(
  { route: "/api/v1/reconciliation/breakers/[platform]/reset", policy: { session: "operate" }, params: platformParams, body: reasonBody },
  async ({ params, body, actor }) => ({ breaker: await resetPlatformBreaker(params.platform, { actor, reason: body.reason }) }),
);
