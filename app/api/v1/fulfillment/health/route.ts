import { route } from "@/lib/platform/http/route";
import { OBSERVABILITY_SCOPES } from "@/lib/platform/auth/roles";
import { healthSnapshot } from "@/lib/fulfillment/stats";

export const dynamic = "force-dynamic";

export const GET = route({ route: "/api/v1/fulfillment/health", policy: { session: "read", apiKey: OBSERVABILITY_SCOPES } }, () => healthSnapshot());
