import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { uuidId } from "@/lib/platform/http/schema-types";
import { deleteReceiver } from "@/lib/alerting/notify/admin";

export const DELETE = route(
  { route: "/api/v1/alerts/receivers/[id]", policy: { session: "admin" }, params: z.object({ id: uuidId("receiver id") }) },
  async ({ params, actor }) => deleteReceiver(params.id, actor),
);
