import { route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { loadSlos } from "@/lib/slo/definitions";
import { cachedStatus } from "@/lib/slo/status";

export const dynamic = "force-dynamic";

/** Every SLO's live status: SLI, budget remaining, burn rates per window, projected exhaustion. */
export const GET = route({ route: "/api/v1/slos", sharedRead: true, policy: { session: "read", apiKey: "metrics:read" } }, async () => {
  const now = new Date();
  return { slos: await Promise.all(loadSlos().map((slo) => cachedStatus(pool(), slo, now))) };
});
