// Request shapes shared by the dead-letter action routes.
import { z } from "zod";
import { bigintId, text } from "@/lib/platform/http/schema-types";

export const taskIdParams = z.object({ id: bigintId("task id") });
export const reasonField = text("reason").trim().max(500).optional();
export const selectedBody = z.object({ ids: z.array(bigintId("ids")).min(1).max(1000), reason: reasonField });
