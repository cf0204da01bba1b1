import { route, queryInt } from "@/lib/platform/http/route";
import { z } from "zod";
import { collectorJson } from "@/lib/whatsapp/collector-auth";
import { listHarnessReports, reportSchema, storeHarnessReport } from "@/lib/whatsapp/harness-reports";

export const dynamic = "force-dynamic";

export const GET = route(
  { route: "/api/v1/whatsapp/harness/reports", policy: { session: "read", apiKey: "metrics:read" }, query: z.object({ limit: queryInt(1, 100, 10) }) },
  async ({ query }) => ({ reports: await listHarnessReports(query.limit) }),
);

// The CLI uploads its report with the same bearer it sent the load with.
export const POST = route(
  { route: "/api/v1/whatsapp/harness/reports", policy: { public: true, reason: "load harness: bearer WHATSAPP_INGEST_TOKEN or an ingest:whatsapp API key, checked by the handler" } },
  async ({ req }) => {
    const report = await collectorJson(req, reportSchema, 64 * 1024);
    const id = await storeHarnessReport(report, "cli", "harness:cli");
    return { ok: true, id };
  },
);
