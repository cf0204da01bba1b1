import "server-only";
import type { Tx } from "./db";
import type { Prisma } from "@/lib/generated/prisma/client";

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string;
  count?: number;
  reason?: string;
  details?: Prisma.InputJsonValue;
}

/** Call inside the transaction that performs the action, so the record and the change commit together. */
export async function writeAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({ data: entry });
}
