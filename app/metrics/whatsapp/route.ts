import { route } from "@/lib/platform/http/route";
import { metricsPayload } from "@/lib/whatsapp/stats";

export const dynamic = "force-dynamic";

// The seed's payload without the service wrapper, for Grafana's JSON API datasource and Datadog.
export const GET = route({ route: "/metrics/whatsapp", sharedRead: true, policy: { apiKey: "metrics:read", session: "read" } }, () => metricsPayload());
