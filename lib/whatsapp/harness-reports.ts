import "server-only";
// Load-harness reports kept for trend analysis (the seed: "keep at least the last three
// entries"): uploaded by the CLI after a run, or produced by an operator's run from the console.
import { z } from "zod";
import { db } from "@/lib/platform/db";
import { writeAudit } from "@/lib/platform/audit";
import type { HarnessReport } from "./harness";

/** The fields the console reads; the rest of the report is kept as sent (≤ 64 KB). */
export const reportSchema = z
  .object({
    run_id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "run_id is 1–64 letters, digits or . _ -"),
    started_at: z.string().datetime({ message: "started_at is an ISO 8601 timestamp" }),
    passed: z.boolean(),
    count: z.number().int().min(0),
    latency: z.object({ p50_seconds: z.number().nullable(), p95_seconds: z.number().nullable() }).passthrough(),
    ratios: z.object({ skipped_error: z.number(), extracted_created: z.number(), dedupe: z.number() }).passthrough(),
    responses: z.object({ rate_limited_429: z.number().int().min(0) }).passthrough(),
  })
  .passthrough();

export const REPORTS_KEPT = 100;

export async function storeHarnessReport(report: z.infer<typeof reportSchema> | HarnessReport, source: "cli" | "console", actor: string): Promise<string> {
  return db().$transaction(async (tx) => {
    const row = await tx.whatsappHarnessReport.create({ data: { runId: report.run_id, source, passed: report.passed, report: report as object } });
    await writeAudit(tx, { actor, action: "whatsapp.harness_report", target: report.run_id, details: { source, passed: report.passed } });
    // Keep the newest REPORTS_KEPT.
    const cutoff = await tx.whatsappHarnessReport.findMany({ orderBy: { createdAt: "desc" }, skip: REPORTS_KEPT, take: 1, select: { createdAt: true } });
    if (cutoff[0]) await tx.whatsappHarnessReport.deleteMany({ where: { createdAt: { lte: cutoff[0].createdAt } } });
    return row.id.toString();
  });
}

export interface HarnessReportRow {
  id: string;
  created_at: string;
  source: string;
  passed: boolean;
  report: HarnessReport;
}

export async function listHarnessReports(limit: number): Promise<HarnessReportRow[]> {
  const rows = await db().whatsappHarnessReport.findMany({ orderBy: { createdAt: "desc" }, take: limit });
  return rows.map((r) => ({ id: r.id.toString(), created_at: r.createdAt.toISOString(), source: r.source, passed: r.passed, report: r.report as unknown as HarnessReport }));
}
