import { route } from "@/lib/platform/http/route";
import { OBSERVABILITY_SCOPES } from "@/lib/platform/auth/roles";
import { observabilitySnapshot } from "@/lib/fulfillment/stats";

export const dynamic = "force-dynamic";

export const GET = route({ route: "/api/v1/fulfillment/observability", sharedRead: true, policy: { session: "read", apiKey: OBSERVABILITY_SCOPES } }, () => observabilitySnapshot());
