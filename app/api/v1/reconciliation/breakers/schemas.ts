// Request shapes shared by the breaker action routes.
import { z } from "zod";
import { text } from "@/lib/platform/http/schema-types";

export const platformParams = z.object({ platform: text("platform").regex(/^[a-z][a-z0-9_]{0,31}$/, "platform is a configured platform name such as tiktok") });
export const reasonBody = z.object({ reason: text("reason").trim().min(3, "reason needs at least 3 characters; it is kept in the audit log").max(500) });
