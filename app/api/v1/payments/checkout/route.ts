import { route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { checkout, checkoutInput } from "@/lib/payments/checkout";
import { providerFromEnv } from "@/lib/payments/provider";

export const dynamic = "force-dynamic";

// The seed's checkout service calls with its "checkout" key; operators may run manual tests.
export const POST = route({ route: "/api/v1/payments/checkout", policy: { session: "operate", apiKey: "checkout" }, body: checkoutInput }, async ({ req, body, actor }) => {
  const result = await checkout(pool(), providerFromEnv(), body, { actor, idempotencyKey: req.headers.get("idempotency-key") });
  return Response.json(result.body, { status: result.status, headers: result.replayed ? { "idempotent-replayed": "true" } : {} });
});
