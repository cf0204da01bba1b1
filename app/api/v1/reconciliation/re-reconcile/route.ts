import { route } from "@/lib/platform/http/route";
import { startRereconcile } from "@/lib/reconciliation/rereconcile";
import { rereconcileBody } from "./schemas";

export const dynamic = "force-dynamic";

// Freezes the matching finished claims and re-reconciles them in chunks (a bulk operation: progress
// and cancel at /api/v1/fulfillment/bulk-operations/{id}); audited with the reason.
export const POST = route({ route: "/api/v1/reconciliation/re-reconcile", policy: { session: "operate" }, body: rereconcileBody }, async ({ body, actor }) =>
  Response.json({ operation: await startRereconcile(body.filter, { actor, reason: body.reason }) }, { status: 202 }),
);
