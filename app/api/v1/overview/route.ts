import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { overviewSystemData, overviewTilesData } from "@/lib/platform/overview-data";

export const dynamic = "force-dynamic";

/** The overview's live parts: `part=tiles` (one per area) or `part=system` (readiness checks). */
export const GET = route(
  {
    route: "/api/v1/overview", sharedRead: true,
    policy: { session: "read", apiKey: "metrics:read" },
    query: z.object({ part: z.enum(["tiles", "system"]).default("tiles") }),
  },
  async ({ query }) => (query.part === "system" ? overviewSystemData() : overviewTilesData()),
);
