import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { AppError } from "@/lib/platform/errors";
import { runHarness } from "@/lib/whatsapp/harness";
import { storeHarnessReport } from "@/lib/whatsapp/harness-reports";
import { ingestCredentials, whatsappSettings } from "@/lib/whatsapp/settings";

export const dynamic = "force-dynamic";

// An operator runs the seed's harness from the console against this instance's own endpoints.
export const POST = route(
  {
    route: "/api/v1/whatsapp/harness/run",
    policy: { session: "operate" },
    body: z
      .object({
        count: z.number().int().min(1).max(500).default(50),
        batch_size: z.number().int().min(1).max(100).default(10),
      })
      .strict(),
  },
  async ({ body, actor }) => {
    const creds = ingestCredentials();
    if (!creds.token || !creds.appSecret) {
      throw new AppError("unavailable", "The harness needs WHATSAPP_INGEST_TOKEN and WHATSAPP_APP_SECRET to be set on this server (demo mode uses published demo values).");
    }
    const base = `http://127.0.0.1:${whatsappSettings().PORT}`;
    const report = await runHarness({
      url: `${base}/integrations/whatsapp/ingest`, diagnosticsUrl: `${base}/chat/tools/diagnostics`, token: creds.token, appSecret: creds.appSecret,
      count: body.count, batchSize: body.batch_size, clientId: "console-harness", waitSeconds: 60,
    });
    const id = await storeHarnessReport(report, "console", actor);
    return { id, report };
  },
);
