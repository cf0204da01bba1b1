import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { addUser, listUsers } from "@/lib/platform/users";
import { ROLES } from "@/lib/platform/auth/roles";
import { MIN_PASSWORD_LENGTH } from "@/lib/platform/auth/password";
import { text } from "@/lib/platform/http/schema-types";

export const GET = route({ route: "/api/v1/admin/users", policy: { session: "admin" } }, async () => ({ users: await listUsers() }));

const createBody = z.object({
  email: text("email").trim().email("Enter a valid email address"),
  role: z.enum(ROLES),
  name: text("name").trim().max(120).optional(),
  // schema-types: exempt — hashed, never stored as text, so any characters are allowed.
  password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
});

export const POST = route({ route: "/api/v1/admin/users", policy: { session: "admin" }, body: createBody }, async ({ body, actor }) => {
  const user = await addUser({ ...body, actor });
  return Response.json({ id: user.id, email: user.email, role: user.role }, { status: 201 });
});
