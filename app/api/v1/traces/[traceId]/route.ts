import { z } from "zod";
import { AppError } from "@/lib/platform/errors";
import { route } from "@/lib/platform/http/route";
import { text } from "@/lib/platform/http/schema-types";
import { traceWaterfall } from "@/lib/platform/telemetry/trace-queries";

export const dynamic = "force-dynamic";

/** A sampled trace's spans in tree order with offsets (the waterfall's data). */
export const GET = route(
  {
    route: "/api/v1/traces/[traceId]",
    policy: { session: "read", apiKey: "metrics:read" },
    params: z.object({ traceId: text("traceId").regex(/^[0-9a-f]{32}$/, "a 32-digit lowercase hex trace id") }),
  },
  async ({ params }) => {
    const trace = await traceWaterfall(params.traceId);
    if (!trace) throw new AppError("not_found", "This trace is not in the sample: only slow or failed traces (the newest 500) are kept. With OTEL_EXPORTER_OTLP_ENDPOINT set, look it up in your tracing backend.");
    return trace;
  },
);
