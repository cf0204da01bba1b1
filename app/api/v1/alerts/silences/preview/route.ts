import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { previewSilence } from "@/lib/alerting/actions";
import { matchersInput } from "../schema";

export const POST = route(
  { route: "/api/v1/alerts/silences/preview", policy: { session: "operate" }, body: z.object({ matchers: matchersInput }) },
  async ({ body }) => ({ matchers: body.matchers, alerts: await previewSilence(body.matchers) }),
);
