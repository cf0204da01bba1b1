import { z } from "zod";
import { queryInt, route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { SEVERITIES } from "@/lib/reconciliation/classify";
import { riskData } from "@/lib/reconciliation/stats";

export const dynamic = "force-dynamic";

const query = z.object({ hours: queryInt(1, 720, 24), severity: z.enum(SEVERITIES).optional() }).strict();

export const GET = route({ route: "/api/v1/reconciliation/risk", policy: { session: "read" }, query }, ({ query }) => riskData(pool(), query));
