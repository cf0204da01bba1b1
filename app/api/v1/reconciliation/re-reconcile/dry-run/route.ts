import { route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { previewRereconcile } from "@/lib/reconciliation/rereconcile";
import { dryRunBody } from "../schemas";

export const dynamic = "force-dynamic";

/** How many finished claims a re-reconciliation of this filter would touch now, and a sample. Changes nothing. */
export const POST = route({ route: "/api/v1/reconciliation/re-reconcile/dry-run", policy: { session: "operate" }, body: dryRunBody }, ({ body }) =>
  previewRereconcile(pool(), body.filter),
);
