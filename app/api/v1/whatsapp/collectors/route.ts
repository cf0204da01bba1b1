import { route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { listCollectors } from "@/lib/whatsapp/collectors";

export const dynamic = "force-dynamic";

export const GET = route({ route: "/api/v1/whatsapp/collectors", policy: { session: "read", apiKey: "metrics:read" } }, async () => ({ collectors: await listCollectors(pool()) }));
