import { route } from "@/lib/platform/http/route";
import { taskDetail } from "@/lib/fulfillment/dead-letters/queries";
import { taskIdParams } from "../schemas";

export const dynamic = "force-dynamic";

export const GET = route({ route: "/api/v1/fulfillment/dead-letters/[id]", policy: { session: "read" }, params: taskIdParams }, async ({ params }) =>
  taskDetail(params.id),
);
