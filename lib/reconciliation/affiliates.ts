import "server-only";
// Affiliates and their static API keys (the seed's "static affiliate API keys"): an admin creates
// the affiliate and its key (scope reconciliation:submit) in one transaction with the audit row; the
// key is shown once. The key is the platform's API key (lib/platform/auth/api-keys), linked here.
import type pg from "pg";
import { db } from "@/lib/platform/db";
import { createApiKey } from "@/lib/platform/auth/api-keys";
import { writeAudit } from "@/lib/platform/audit";
import { AppError, conflict } from "@/lib/platform/errors";
import { bucketFor } from "./classify";
import { classificationSettings } from "./settings";

export const AFFILIATE_SCOPE = "reconciliation:submit" as const;

export async function createAffiliate(input: { name: string; actor: string }) {
  const s = classificationSettings();
  const score = s.trust.initial;
  try {
    return await db().$transaction(async (tx) => {
      const key = await createApiKey({ name: `affiliate:${input.name}`, scopes: [AFFILIATE_SCOPE], actor: input.actor }, tx);
      const affiliate = await tx.reconciliationAffiliate.create({
        data: { name: input.name, apiKeyId: key.id, trustScore: score, trustBucket: bucketFor(score, s), createdBy: input.actor },
      });
      await tx.reconciliationTrustHistory.create({
        data: { affiliateId: affiliate.id, previousScore: score, newScore: score, delta: 0, bucket: affiliate.trustBucket, reason: "created" },
      });
      await writeAudit(tx, { actor: input.actor, action: "reconciliation.affiliate.create", target: `affiliate:${affiliate.id}`, details: { name: input.name, apiKeyId: key.id } });
      return { id: affiliate.id, name: affiliate.name, trustScore: score, trustBucket: affiliate.trustBucket, apiKey: { id: key.id, prefix: key.prefix, key: key.key } };
    });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw conflict(`An affiliate named "${input.name}" already exists; choose another name.`);
    throw err;
  }
}

export async function listAffiliates(opts: { bucket?: string; limit?: number } = {}) {
  const rows = await db().reconciliationAffiliate.findMany({
    where: opts.bucket ? { trustBucket: opts.bucket } : undefined,
    orderBy: [{ trustScore: "asc" }, { name: "asc" }],
    take: opts.limit ?? 200,
    include: { apiKey: { select: { prefix: true, revokedAt: true, lastUsedAt: true } } },
  });
  return rows.map((a) => ({
    id: a.id,
    name: a.name,
    trustScore: a.trustScore,
    trustBucket: a.trustBucket,
    createdAt: a.createdAt.toISOString(),
    trustUpdatedAt: a.trustUpdatedAt.toISOString(),
    keyPrefix: a.apiKey.prefix,
    keyRevoked: a.apiKey.revokedAt !== null,
    keyLastUsedAt: a.apiKey.lastUsedAt?.toISOString() ?? null,
  }));
}

/** The affiliate an API key belongs to; 403 when the key is not an affiliate's. */
export async function affiliateIdForKey(p: pg.Pool, apiKeyId: string): Promise<string> {
  const { rows } = await p.query<{ id: string }>(`SELECT id FROM reconciliation_affiliates WHERE api_key_id = $1::uuid`, [apiKeyId]);
  if (!rows[0]) throw new AppError("forbidden", "This API key is not linked to an affiliate. An admin creates affiliate keys under Reconciliation → Risk → Affiliates.");
  return rows[0].id;
}
