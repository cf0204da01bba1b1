import { route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { incidentSnapshot } from "@/lib/reconciliation/snapshot";

export const dynamic = "force-dynamic";

// The runbook's step 2 ("snapshot metrics: queue depth, status distribution, breaker states") as one download.
export const GET = route({ route: "/api/v1/reconciliation/snapshot", policy: { session: "read" } }, async () => {
  const snap = await incidentSnapshot(pool());
  return new Response(JSON.stringify(snap, null, 2), {
    headers: { "content-type": "application/json", "content-disposition": `attachment; filename="reconciliation-incident-${snap.at.replace(/[:.]/g, "-")}.json"` },
  });
});
