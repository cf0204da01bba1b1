import { route } from "@/lib/platform/http/route";
import { observabilitySnapshot } from "@/lib/fulfillment/stats";

export const dynamic = "force-dynamic";

export const GET = route({ route: "/api/v1/fulfillment/observability", policy: { session: "read", apiKey: "metrics:read" } }, () => observabilitySnapshot());
