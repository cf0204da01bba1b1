import "server-only";
import { registry } from "../metrics";
import { route } from "./route";

/** The Prometheus exposition, behind an API key with `metrics:read` (or an admin session). */
export function prometheusRoute(template: string) {
  return route({ route: template, policy: { apiKey: "metrics:read", session: "admin" } }, async () => {
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
  });
}
