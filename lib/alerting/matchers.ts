// Label matchers (Alertmanager semantics: =, !=, =~, !~, regexes anchored) and inhibition.
// Client-safe: the silence form previews matches with the same code.
import { z } from "zod";
import { text } from "@/lib/platform/http/schema-types";
import type { InhibitRule } from "./types";

export const matcherSchema = z.object({
  name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "label names are letters, digits and _"),
  value: text("value").max(500),
  isRegex: z.boolean().default(false),
  isEqual: z.boolean().default(true),
});
export type Matcher = z.infer<typeof matcherSchema>;

function compile(m: Matcher): (v: string) => boolean {
  if (!m.isRegex) return (v) => v === m.value;
  const re = new RegExp(`^(?:${m.value})$`);
  return (v) => re.test(v);
}

/** Throws a readable error for a bad regex, so the API can answer 400. */
export function validateMatchers(ms: Matcher[]): string | null {
  if (ms.length === 0) return "Add at least one matcher; a silence without matchers would silence everything.";
  for (const m of ms) {
    if (m.isRegex) {
      try {
        new RegExp(m.value);
      } catch (err) {
        return `Matcher ${m.name}=~"${m.value}" is not a valid regular expression: ${(err as Error).message}`;
      }
    }
  }
  if (ms.every((m) => compile(m)(""))) return "These matchers also match alerts without those labels (everything); make at least one matcher require a value.";
  return null;
}

export function matchesAll(ms: Matcher[], labels: Record<string, string>): boolean {
  // A missing label matches as the empty string, as in Alertmanager.
  return ms.every((m) => compile(m)(labels[m.name] ?? "") === m.isEqual);
}

/** "a=b, c=~d.*, e!=f" → matchers; throws on a malformed part. */
export function parseMatchers(text: string): Matcher[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?$/.exec(part);
      if (!m) throw new Error(`"${part}" is not a matcher; write name=value, name!=value, name=~regex or name!~regex.`);
      return { name: m[1], value: m[3], isRegex: m[2].includes("~"), isEqual: !m[2].startsWith("!") };
    });
}

export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.isEqual ? "" : "!"}${m.isRegex ? "=~" : "="}"${m.value}"`;
}

function matchesMap(match: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}

/**
 * Which targets are inhibited by a firing source. Unlike Alertmanager, an `equal` label must be
 * present (non-empty) on both: a page for one SLO must not silence every warning that simply has
 * no `slo` label (in the exported alertmanager.yml the target matcher adds slo=~".+" for this).
 */
export function inhibitedBy(
  rules: InhibitRule[],
  firing: { fingerprint: string; labels: Record<string, string> }[],
  target: { fingerprint: string; labels: Record<string, string> },
): string | null {
  for (const rule of rules) {
    if (!matchesMap(rule.targetMatch, target.labels)) continue;
    for (const source of firing) {
      if (source.fingerprint === target.fingerprint || !matchesMap(rule.sourceMatch, source.labels)) continue;
      if (rule.equal.every((l) => !!target.labels[l] && source.labels[l] === target.labels[l])) return source.fingerprint;
    }
  }
  return null;
}
