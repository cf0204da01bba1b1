import { route } from "@/lib/platform/http/route";
import { OBSERVABILITY_SCOPES } from "@/lib/platform/auth/roles";
import { pool } from "@/lib/platform/db";
import { servedInsights } from "@/lib/catalog/insight-snapshots";
import { CONTENT_TYPES, exportFilename, renderInsights } from "@/lib/catalog/export";
import { exportQuery } from "../../schemas";

export const dynamic = "force-dynamic";

export const GET = route({ route: "/api/v1/catalog/insights/export", policy: { session: "catalog", apiKey: OBSERVABILITY_SCOPES }, query: exportQuery }, async ({ query }) => {
  const data = await servedInsights(pool(), query.window, query.limit);
  return new Response(renderInsights(data, query.format), {
    headers: { "content-type": CONTENT_TYPES[query.format], "content-disposition": `attachment; filename="${exportFilename(data, query.format)}"` },
  });
});
