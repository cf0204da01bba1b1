import { route } from "@/lib/platform/http/route";
import { alertmanagerWebhookSchema, ingestAlertmanager } from "@/lib/alerting/external";

// Point an Alertmanager webhook_config here (with an API key carrying "alerts:write") to see
// alerts from an existing Prometheus in Opsdeck's list and timeline.
export const POST = route(
  { route: "/api/v1/alerts/alertmanager", policy: { apiKey: "alerts:write" }, body: alertmanagerWebhookSchema },
  async ({ body, actor }) => ingestAlertmanager(body, actor),
);
