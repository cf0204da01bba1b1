import { route } from "@/lib/platform/http/route";
import { healthSnapshot } from "@/lib/fulfillment/stats";

export const dynamic = "force-dynamic";

export const GET = route({ route: "/api/v1/fulfillment/health", policy: { session: "read", apiKey: "metrics:read" } }, () => healthSnapshot());
