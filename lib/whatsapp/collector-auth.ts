import "server-only";
// Collector-facing JSON endpoints (heartbeat, harness diagnostics and report upload) take the same
// bearer as ingest (WHATSAPP_INGEST_TOKEN or an ingest:whatsapp key), checked before the body is
// parsed, so an unauthenticated caller gets 401 whatever it sends. No signature: these are not
// message deliveries.
import type { NextRequest } from "next/server";
import { z } from "zod";
import { pool } from "@/lib/platform/db";
import { readRawBody } from "@/lib/platform/http/raw-body";
import { authenticate, parseJson } from "./ingest";

export async function authenticateCollector(req: NextRequest): Promise<void> {
  await authenticate(pool(), req.headers, async () => ({ clientId: null, chatTitle: null }));
}

/** Authenticates, then reads and validates a JSON body (400 not JSON, 422 schema). */
export async function collectorJson<T extends z.ZodType>(req: NextRequest, schema: T, limit = 1_048_576): Promise<z.infer<T>> {
  await authenticateCollector(req);
  return parseJson(await readRawBody(req, limit), schema, "body");
}
