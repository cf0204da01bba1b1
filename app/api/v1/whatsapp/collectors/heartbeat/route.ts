import { route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { heartbeatSchema, recordHeartbeat } from "@/lib/whatsapp/collectors";
import { collectorJson } from "@/lib/whatsapp/collector-auth";

export const dynamic = "force-dynamic";

export const POST = route(
  { route: "/api/v1/whatsapp/collectors/heartbeat", policy: { public: true, reason: "collectors: bearer WHATSAPP_INGEST_TOKEN or an ingest:whatsapp API key, checked by the handler" } },
  async ({ req }) => {
    const hb = await collectorJson(req, heartbeatSchema, 16 * 1024);
    await recordHeartbeat(pool(), hb);
    return { ok: true, collector_id: hb.collector_id };
  },
);
