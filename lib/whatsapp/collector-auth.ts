import "server-only";
// Collector-facing JSON endpoints (heartbeat, harness diagnostics and report upload) take the same
// bearer as ingest (WHATSAPP_INGEST_TOKEN or an ingest:whatsapp key), checked before the body is
// parsed, so an unauthenticated caller gets 401 whatever it sends. No signature: these are not
// message deliveries.
import type { NextRequest } from "next/server";
import { z } from "zod";
import { pool } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { readRawBody } from "@/lib/platform/http/raw-body";
import { authenticate } from "./ingest";

export async function authenticateCollector(req: NextRequest): Promise<void> {
  await authenticate(pool(), req.headers, async () => ({ clientId: null, chatTitle: null }));
}

/** Authenticates, then reads and validates a JSON body (400 not JSON, 422 schema). */
export async function collectorJson<T extends z.ZodType>(req: NextRequest, schema: T, limit = 1_048_576): Promise<z.infer<T>> {
  await authenticateCollector(req);
  const text = (await readRawBody(req, limit)).toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AppError("bad_request", `The body is not valid JSON: ${(err as Error).message}.`);
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    const at = first?.path.length ? ` at "${first.path.join(".")}"` : "";
    throw new AppError("validation_failed", `Invalid body${at}: ${first?.message ?? "invalid"}.`, r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  }
  return r.data;
}
