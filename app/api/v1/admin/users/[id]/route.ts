import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { uuidId } from "@/lib/platform/http/schema-types";
import { setUserRole } from "@/lib/platform/users";
import { ROLES } from "@/lib/platform/auth/roles";

export const PATCH = route(
  {
    route: "/api/v1/admin/users/[id]",
    policy: { session: "admin" },
    params: z.object({ id: uuidId("user id") }),
    body: z.object({ role: z.enum(ROLES) }),
  },
  async ({ params, body, actor }) => {
    const user = await setUserRole(params.id, body.role, actor);
    return { id: user.id, email: user.email, role: user.role };
  },
);
