import "server-only";
import { NextResponse } from "next/server";
import { registry } from "../metrics";
import { env } from "../env";
import { OBSERVABILITY_SCOPES } from "../auth/roles";
import { prefers } from "./negotiate";
import { route } from "./route";

/** Sections of the JSON form of /metrics, by service name (e.g. `whatsapp`), composed in lib/domains.ts. */
export type JsonMetricsSections = Record<string, () => Promise<unknown>>;

/**
 * The Prometheus exposition, behind an API key with `metrics:read` or `checkout` (or an admin
 * session). Content-negotiated: a client that prefers `application/json` gets
 * `{ <service>: {...}, environment }` from the given sections instead; scrapes keep the text.
 */
export function prometheusRoute(template: string, jsonSections: () => JsonMetricsSections = () => ({})) {
  return route({ route: template, policy: { apiKey: OBSERVABILITY_SCOPES, session: "admin" } }, async ({ req }) => {
    const sections = jsonSections();
    if (Object.keys(sections).length && prefers(req.headers.get("accept"), ["text/plain", "application/openmetrics-text", "application/json"]) === "application/json") {
      const entries = await Promise.all(Object.entries(sections).map(async ([name, read]) => [name, await read()] as const));
      return NextResponse.json({ ...Object.fromEntries(entries), environment: env().OPSDECK_ENV });
    }
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
  });
}
