import { queryInt, route } from "@/lib/platform/http/route";
import { bigintId } from "@/lib/platform/http/schema-types";
import { pool } from "@/lib/platform/db";
import { listSubmissions, submissionFilterSchema, submissionInput, submitClaim } from "@/lib/reconciliation/submissions";

export const dynamic = "force-dynamic";

// Affiliates submit with their own key; the claim and its first attempt are queued in one transaction.
export const POST = route(
  { route: "/api/v1/reconciliation/submissions", policy: { apiKey: "reconciliation:submit" }, body: submissionInput, maxBodyBytes: 16 * 1024 },
  async ({ body, identity }) => {
    const created = await submitClaim(pool(), { apiKeyId: identity.kind === "apiKey" ? identity.id : undefined }, body);
    return Response.json({ id: created.id, status: created.status, status_url: `/api/v1/reconciliation/submissions/${created.id}` }, { status: 202 });
  },
);

const query = submissionFilterSchema.extend({ limit: queryInt(1, 200, 50), before: bigintId("before").optional() }).strict();

export const GET = route({ route: "/api/v1/reconciliation/submissions", policy: { session: "read" }, query }, ({ query }) =>
  listSubmissions(pool(), query),
);
