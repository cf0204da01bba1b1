// The dead-letter filter: one shape for the URL (list page), the list API, dry runs and the filter
// frozen into a bulk operation, so "retry all matching" acts on exactly what the operator sees.
// Client-safe (no server-only): the console builds URLs from it.
import { z } from "zod";
import { filterTimestamp, text } from "@/lib/platform/http/schema-types";

/** Empty form fields arrive as "" in the URL; treat them as absent. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

export const deadLetterFilterSchema = z.object({
  type: optional(text("type").max(100)),
  from: optional(filterTimestamp("from")),
  to: optional(filterTimestamp("to")),
  /** Substring of the error class or message, case-insensitive. */
  q: optional(text("q").trim().max(200)),
  /** An error fingerprint (error group). */
  group: optional(text("group").max(200)),
});
export type DeadLetterFilter = z.infer<typeof deadLetterFilterSchema>;

export const FILTER_KEYS = ["type", "from", "to", "q", "group"] as const;

/** The filter as plain JSON (dates as ISO strings): stored on bulk operations and sent to the API. */
export function filterToJson(f: DeadLetterFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const v = f[key];
    if (v instanceof Date) out[key] = v.toISOString();
    else if (v) out[key] = v;
  }
  return out;
}

export function describeFilter(f: Record<string, string | undefined>): string {
  const parts = FILTER_KEYS.filter((k) => f[k]).map((k) => `${k}=${f[k]}`);
  return parts.length ? `filter: ${parts.join(", ")}` : "no filter: every dead-lettered task";
}
