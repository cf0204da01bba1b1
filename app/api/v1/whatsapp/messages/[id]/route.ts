import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { bigintId } from "@/lib/platform/http/schema-types";
import { notFound } from "@/lib/platform/errors";
import { messageJourney } from "@/lib/whatsapp/stats";

export const dynamic = "force-dynamic";

export const GET = route(
  {
    route: "/api/v1/whatsapp/messages/[id]",
    policy: { session: "read", apiKey: "metrics:read" },
    params: z.object({ id: bigintId("id") }),
  },
  async ({ params }) => {
    const journey = await messageJourney(params.id);
    if (!journey) throw notFound(`WhatsApp message ${params.id}`);
    return journey;
  },
);
