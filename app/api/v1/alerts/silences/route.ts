import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { createSilence } from "@/lib/alerting/actions";
import { listSilences } from "@/lib/alerting/queries";
import { matchersInput } from "./schema";

export const GET = route({ route: "/api/v1/alerts/silences", policy: { session: "read" } }, async () => ({ silences: await listSilences() }));

export const POST = route(
  {
    route: "/api/v1/alerts/silences",
    policy: { session: "operate" },
    body: z
      .object({
        matchers: matchersInput,
        comment: z.string().trim().min(1, "Say why you silence these alerts").max(1000),
        startsAt: z.coerce.date().optional(),
        endsAt: z.coerce.date().optional(),
        durationMinutes: z.number().int().min(1).max(30 * 24 * 60).optional(),
      })
      .refine((b) => b.endsAt || b.durationMinutes, "Give endsAt or durationMinutes"),
  },
  async ({ body, actor }) => {
    const now = new Date();
    const endsAt = body.endsAt ?? new Date((body.startsAt ?? now).getTime() + body.durationMinutes! * 60_000);
    const { silence, affected } = await createSilence({ matchers: body.matchers, startsAt: body.startsAt, endsAt, comment: body.comment }, actor, now);
    return { id: silence.id, endsAt: silence.endsAt.toISOString(), silenced: affected.length };
  },
);
