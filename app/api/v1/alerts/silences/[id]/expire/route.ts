import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { uuidId } from "@/lib/platform/http/schema-types";
import { expireSilence } from "@/lib/alerting/actions";

export const POST = route(
  { route: "/api/v1/alerts/silences/[id]/expire", policy: { session: "operate" }, params: z.object({ id: uuidId("silence id") }) },
  async ({ params, actor }) => {
    const s = await expireSilence(params.id, actor);
    return { id: s.id, expired: true };
  },
);
