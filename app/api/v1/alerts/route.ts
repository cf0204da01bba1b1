import { route } from "@/lib/platform/http/route";
import { openAlerts, resolvedAlerts } from "@/lib/alerting/queries";

export const GET = route({ route: "/api/v1/alerts", sharedRead: true, policy: { session: "read" } }, async () => ({
  open: await openAlerts(),
  resolved: await resolvedAlerts(20),
}));
