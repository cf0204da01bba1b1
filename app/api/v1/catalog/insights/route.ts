import { route } from "@/lib/platform/http/route";
import { OBSERVABILITY_SCOPES } from "@/lib/platform/auth/roles";
import { pool } from "@/lib/platform/db";
import { servedInsights } from "@/lib/catalog/insight-snapshots";
import { insightsQuery } from "../schemas";

export const dynamic = "force-dynamic";

// Merchandisers (session permission "catalog"), and the seed's export script with the checkout key.
export const GET = route({ route: "/api/v1/catalog/insights", sharedRead: true, policy: { session: "catalog", apiKey: OBSERVABILITY_SCOPES }, query: insightsQuery }, ({ query }) =>
  servedInsights(pool(), query.window, query.limit),
);
