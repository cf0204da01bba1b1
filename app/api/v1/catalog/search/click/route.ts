import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { bigintId, text } from "@/lib/platform/http/schema-types";
import { pool } from "@/lib/platform/db";
import { recordClick } from "@/lib/catalog/search";

export const dynamic = "force-dynamic";

const body = z
  .object({
    search_id: bigintId("search_id"),
    position: z.number().int().min(1).max(10_000),
    sku: text("sku").min(1).max(64).optional(),
  })
  .strict();

export const POST = route({ route: "/api/v1/catalog/search/click", policy: { session: "read", apiKey: "checkout" }, body, maxBodyBytes: 4_096 }, async ({ body }) =>
  Response.json(await recordClick(pool(), { searchId: body.search_id, position: body.position, sku: body.sku }), { status: 201 }),
);
