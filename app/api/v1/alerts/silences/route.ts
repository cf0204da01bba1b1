import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { createSilence } from "@/lib/alerting/actions";
import { listSilences } from "@/lib/alerting/queries";
import { inTimestampBounds, text, timestamp, timestampMessage } from "@/lib/platform/http/schema-types";
import { matchersInput } from "./schema";

const silenceEnd = (b: { startsAt?: Date; endsAt?: Date; durationMinutes?: number }, now = new Date()) =>
  b.endsAt ?? new Date((b.startsAt ?? now).getTime() + b.durationMinutes! * 60_000);

export const GET = route({ route: "/api/v1/alerts/silences", policy: { session: "read" } }, async () => ({ silences: await listSilences() }));

export const POST = route(
  {
    route: "/api/v1/alerts/silences",
    policy: { session: "operate" },
    body: z
      .object({
        matchers: matchersInput,
        comment: text("comment").trim().min(1, "Say why you silence these alerts").max(1000),
        startsAt: timestamp("startsAt").optional(),
        endsAt: timestamp("endsAt").optional(),
        durationMinutes: z.number().int().min(1).max(30 * 24 * 60).optional(),
      })
      .refine((b) => b.endsAt || b.durationMinutes, "Give endsAt or durationMinutes")
      // The end derived from a valid startsAt + durationMinutes must be storable too.
      .refine((b) => b.endsAt || !b.startsAt || !inTimestampBounds(b.startsAt) || inTimestampBounds(silenceEnd(b)), { path: ["durationMinutes"], message: `startsAt + durationMinutes: the end ${timestampMessage("").trim()}` }),
  },
  async ({ body, actor }) => {
    const now = new Date();
    const endsAt = silenceEnd(body, now);
    const { silence, affected } = await createSilence({ matchers: body.matchers, startsAt: body.startsAt, endsAt, comment: body.comment }, actor, now);
    return { id: silence.id, endsAt: silence.endsAt.toISOString(), silenced: affected.length };
  },
);
