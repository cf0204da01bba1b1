import "server-only";
import { registry } from "../metrics";
import { OBSERVABILITY_SCOPES } from "../auth/roles";
import { route } from "./route";

/** The Prometheus exposition, behind an API key with `metrics:read` or `checkout` (or an admin session). */
export function prometheusRoute(template: string) {
  return route({ route: template, policy: { apiKey: OBSERVABILITY_SCOPES, session: "admin" } }, async () => {
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
  });
}
