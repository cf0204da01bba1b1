import { z } from "zod";
import { matcherSchema, parseMatchers } from "@/lib/alerting/matchers";
import { text } from "@/lib/platform/http/schema-types";

/** Matchers as a list or as text ("alertname=X, severity=~warning|info"). */
export const matchersInput = z.union([z.array(matcherSchema).min(1), text("matchers").min(1)]).transform((v, ctx) => {
  if (Array.isArray(v)) return v;
  try {
    return parseMatchers(v);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
});
