import { route } from "@/lib/platform/http/route";
import { runProbe } from "@/lib/platform/telemetry/verify";
import { testTasks, verifyCache } from "@/lib/domains";

export const dynamic = "force-dynamic";

/**
 * `opsdeck verify --base-url`: database and cache round trips, a noop task through each worker
 * runtime, an event written under this request's id, this process's exposition parsed.
 * Writes only a harmless noop task and an event.
 */
export const POST = route({ route: "/api/v1/telemetry/verify", policy: { session: "admin", apiKey: "metrics:read" } }, async () =>
  runProbe({ testTasks, cache: verifyCache }),
);
