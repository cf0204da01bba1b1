import { route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { readRawBody } from "@/lib/platform/http/raw-body";
import { ingest } from "@/lib/whatsapp/ingest";
import { ingestCredentials } from "@/lib/whatsapp/settings";
import { safeEqual } from "@/lib/whatsapp/signature";
import { z } from "zod";

export const dynamic = "force-dynamic";

// Collectors authenticate in the handler, in the seed's order (bearer → 401, signature over the
// raw body → 403, per-client limit → 429), so each refusal is counted where it happens.
export const POST = route(
  {
    route: "/integrations/whatsapp/ingest",
    policy: { public: true, reason: "bearer WHATSAPP_INGEST_TOKEN or an ingest:whatsapp API key, then X-Hub-Signature-256 over the raw body; checked and counted by the handler" },
  },
  async ({ req }) => {
    const receivedAt = new Date();
    return ingest(pool(), req.headers, (limit) => readRawBody(req, limit), receivedAt);
  },
);

// Meta's verification handshake: echo hub.challenge when hub.verify_token matches.
export const GET = route(
  {
    route: "/integrations/whatsapp/ingest",
    policy: { public: true, reason: "Meta's webhook verification handshake (hub.verify_token compared with WHATSAPP_VERIFY_TOKEN)" },
    query: z.object({
      "hub.mode": z.literal("subscribe", { error: 'hub.mode must be "subscribe"' }),
      "hub.verify_token": z.string().min(1).max(512),
      "hub.challenge": z.string().min(1).max(512),
    }),
  },
  async ({ query }) => {
    const expected = ingestCredentials().verifyToken;
    if (!expected) throw new AppError("unavailable", "The verification handshake is not configured: set WHATSAPP_VERIFY_TOKEN to the value entered in Meta's webhook settings.");
    if (!safeEqual(query["hub.verify_token"], expected)) throw new AppError("forbidden", "hub.verify_token does not match WHATSAPP_VERIFY_TOKEN.");
    return new Response(query["hub.challenge"], { headers: { "content-type": "text/plain; charset=utf-8" } });
  },
);
