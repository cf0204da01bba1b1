import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { createReceiver, listReceiversForUi } from "@/lib/alerting/notify/admin";
import { text } from "@/lib/platform/http/schema-types";

export const GET = route({ route: "/api/v1/alerts/receivers", policy: { session: "admin" } }, async () => ({ receivers: await listReceiversForUi() }));

export const POST = route(
  {
    route: "/api/v1/alerts/receivers",
    policy: { session: "admin" },
    body: z.object({
      name: text("name").trim().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and -"),
      kind: z.enum(["slack", "pagerduty", "webhook"]),
      secret: text("secret").trim().min(8, "the webhook URL or routing key").max(2000),
      severities: z.array(z.enum(["critical", "warning", "info"])).min(1).default(["critical", "warning"]),
      eventsUrl: text("eventsUrl").url().optional(),
    }),
  },
  async ({ body, actor }) => createReceiver(body, actor),
);
