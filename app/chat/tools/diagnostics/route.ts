import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { authenticateCollector } from "@/lib/whatsapp/collector-auth";
import { runDiagnostics } from "@/lib/whatsapp/stats";

export const dynamic = "force-dynamic";

// The seed's diagnostics endpoint for the load harness: every message of a run with its stages.
export const GET = route(
  {
    route: "/chat/tools/diagnostics",
    policy: { public: true, reason: "load harness: bearer WHATSAPP_INGEST_TOKEN or an ingest:whatsapp API key, checked by the handler" },
    query: z.object({ run_id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "run_id is 1–64 letters, digits or . _ - (the id the harness sent in its batches)") }),
  },
  async ({ req, query }) => {
    await authenticateCollector(req);
    return runDiagnostics(query.run_id);
  },
);
