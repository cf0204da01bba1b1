import { z } from "zod";
import { EXPORT_FORMATS } from "@/lib/catalog/export";
import { INSIGHT_WINDOWS, type InsightWindow } from "@/lib/catalog/insights";

export const insightsQuery = z
  .object({
    window: z.enum(Object.keys(INSIGHT_WINDOWS) as [InsightWindow, ...InsightWindow[]]).default("7d"),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const exportQuery = insightsQuery.extend({ format: z.enum(EXPORT_FORMATS).default("md") }).strict();
