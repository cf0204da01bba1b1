import { route } from "@/lib/platform/http/route";
import { platformBreakerBoard } from "@/lib/reconciliation/breakers";

export const dynamic = "force-dynamic";

/** The shared breakers' snapshot (the seed's GLOBAL_CIRCUIT_BREAKER.snapshot()) with 24 h of transitions. */
export const GET = route({ route: "/api/v1/reconciliation/breakers", sharedRead: true, policy: { session: "read", apiKey: "metrics:read" } }, async () => ({
  generatedAt: new Date(),
  breakers: await platformBreakerBoard(),
}));
