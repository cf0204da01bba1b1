import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { createApiKey, listApiKeys } from "@/lib/platform/auth/api-keys";
import { SCOPES } from "@/lib/platform/auth/roles";
import { text } from "@/lib/platform/http/schema-types";

export const GET = route({ route: "/api/v1/admin/api-keys", policy: { session: "admin" } }, async () => ({ keys: await listApiKeys() }));

const createBody = z.object({
  name: text("name").trim().min(1, "Give the key a name that says what uses it").max(80),
  scopes: z.array(z.enum(SCOPES)).min(1, "Choose at least one scope"),
});

export const POST = route({ route: "/api/v1/admin/api-keys", policy: { session: "admin" }, body: createBody }, async ({ body, actor }) => {
  const created = await createApiKey({ name: body.name, scopes: body.scopes, actor });
  return Response.json(created, { status: 201 });
});
