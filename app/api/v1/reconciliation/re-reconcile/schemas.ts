import { z } from "zod";
import { text } from "@/lib/platform/http/schema-types";
import { submissionFilterSchema } from "@/lib/reconciliation/submissions";

export const dryRunBody = z.object({ filter: submissionFilterSchema.strict().default({}) }).strict();
export const rereconcileBody = dryRunBody.extend({ reason: text("reason").trim().min(3, "give a reason (at least 3 characters); it is kept in the audit log").max(500) }).strict();
