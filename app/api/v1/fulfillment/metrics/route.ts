import { route } from "@/lib/platform/http/route";
import { OBSERVABILITY_SCOPES } from "@/lib/platform/auth/roles";
import { metricsSnapshot } from "@/lib/fulfillment/stats";

export const dynamic = "force-dynamic";

export const GET = route({ route: "/api/v1/fulfillment/metrics", policy: { session: "read", apiKey: OBSERVABILITY_SCOPES } }, () => metricsSnapshot());
