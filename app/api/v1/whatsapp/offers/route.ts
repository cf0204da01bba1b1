import { z } from "zod";
import { route, queryInt } from "@/lib/platform/http/route";
import { recentExtractionErrors, recentOffers } from "@/lib/whatsapp/stats";

export const dynamic = "force-dynamic";

export const GET = route(
  { route: "/api/v1/whatsapp/offers", policy: { session: "read", apiKey: "metrics:read" }, query: z.object({ limit: queryInt(1, 100, 20) }) },
  async ({ query }) => {
    const [offers, errors] = await Promise.all([recentOffers(query.limit), recentExtractionErrors(query.limit)]);
    return { offers, extraction_errors: errors };
  },
);
