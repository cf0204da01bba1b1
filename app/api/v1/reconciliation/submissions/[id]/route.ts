import { route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { affiliateIdForKey } from "@/lib/reconciliation/affiliates";
import { getSubmission, submissionIdParam } from "@/lib/reconciliation/submissions";

export const dynamic = "force-dynamic";

// "What is the status of X": staff see every claim, an affiliate's key only its own (404 otherwise).
export const GET = route(
  { route: "/api/v1/reconciliation/submissions/[id]", policy: { session: "read", apiKey: "reconciliation:submit" }, params: submissionIdParam },
  async ({ params, identity }) => {
    const affiliateId = identity.kind === "apiKey" ? await affiliateIdForKey(pool(), identity.id) : undefined;
    return getSubmission(pool(), params.id, { affiliateId });
  },
);
