// Request shapes shared by the dead-letter action routes.
import { z } from "zod";

export const taskIdParams = z.object({ id: z.string().regex(/^\d{1,18}$/, "task id must be a positive integer") });
export const reasonField = z.string().trim().max(500).optional();
export const selectedBody = z.object({ ids: z.array(z.string().regex(/^\d{1,18}$/, "ids must be task ids (digits)")).min(1).max(1000), reason: reasonField });
