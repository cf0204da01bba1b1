import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { uuidId } from "@/lib/platform/http/schema-types";
import { revokeApiKey } from "@/lib/platform/auth/api-keys";

export const DELETE = route(
  { route: "/api/v1/admin/api-keys/[id]", policy: { session: "admin" }, params: z.object({ id: uuidId("API key id") }) },
  async ({ params, actor }) => {
    await revokeApiKey(params.id, actor);
    return { revoked: params.id };
  },
);
