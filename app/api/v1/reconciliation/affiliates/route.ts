import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { text } from "@/lib/platform/http/schema-types";
import { BUCKETS } from "@/lib/reconciliation/classify";
import { createAffiliate, listAffiliates } from "@/lib/reconciliation/affiliates";

export const dynamic = "force-dynamic";

const query = z.object({ bucket: z.enum(BUCKETS).optional() }).strict();

export const GET = route({ route: "/api/v1/reconciliation/affiliates", policy: { session: "read" }, query }, async ({ query }) => ({
  affiliates: await listAffiliates({ bucket: query.bucket }),
}));

const body = z
  .object({ name: text("name").trim().regex(/^[\w .&'-]{2,80}$/, "name: 2–80 letters, digits, spaces or . & ' - _") })
  .strict();

// The affiliate and its API key (scope reconciliation:submit) in one transaction; the key is in this answer only.
export const POST = route({ route: "/api/v1/reconciliation/affiliates", policy: { session: "admin" }, body }, async ({ body, actor }) =>
  Response.json(await createAffiliate({ name: body.name, actor }), { status: 201 }),
);
