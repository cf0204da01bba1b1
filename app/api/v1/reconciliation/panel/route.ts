import { z } from "zod";
import { queryInt, route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { panelData } from "@/lib/reconciliation/stats";

export const dynamic = "force-dynamic";

const query = z.object({ minutes: queryInt(5, 360, 60) }).strict();

export const GET = route({ route: "/api/v1/reconciliation/panel", sharedRead: true, policy: { session: "read" }, query }, ({ query }) => panelData(pool(), query.minutes));
