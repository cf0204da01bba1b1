import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { db, pool, type Tx } from "../db";
import { AppError } from "../errors";
import { SCOPES, type Scope } from "./roles";
import { writeAudit } from "../audit";
import { processSingleton } from "../global";
import { singleFlightCache } from "../shared-read";

// Format: opsk_<8 chars prefix>_<43 chars secret>. The prefix finds the row; the secret is
// compared as a SHA-256 digest in constant time. Keys are random, so a fast hash suffices.
const KEY_RE = /^opsk_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
const TOUCH_AFTER_MS = 60_000;

const digest = (key: string) => createHash("sha256").update(key).digest("hex");

export interface ApiKeyIdentity {
  kind: "apiKey";
  id: string;
  name: string;
  scopes: Scope[];
}

export async function createApiKey(input: { name: string; scopes: Scope[]; actor: string }, tx?: Tx) {
  const prefix = randomBytes(6).toString("base64url").replace(/[-_]/g, "x").slice(0, 8);
  const key = `opsk_${prefix}_${randomBytes(32).toString("base64url")}`;
  const run = async (t: Tx) => {
    const row = await t.apiKey.create({
      data: { name: input.name, prefix, hash: digest(key), scopes: input.scopes, createdBy: input.actor },
    });
    await writeAudit(t, { actor: input.actor, action: "api_key.create", target: row.id, details: { name: input.name, scopes: input.scopes } });
    return row;
  };
  const row = tx ? await run(tx) : await db().$transaction(run);
  return { id: row.id, name: row.name, prefix: row.prefix, scopes: row.scopes, key };
}

export async function revokeApiKey(id: string, actor: string) {
  await db().$transaction(async (t) => {
    const { count } = await t.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) {
      const exists = await t.apiKey.findUnique({ where: { id } });
      if (!exists) throw new AppError("not_found", "API key not found. List keys with `opsdeck apikey list`.");
      throw new AppError("conflict", "This API key is already revoked.");
    }
    await writeAudit(t, { actor, action: "api_key.revoke", target: id });
  });
  recentKeys.clear(); // after the commit: this instance refuses the key at once, others within KEY_CACHE_MS
}

export async function listApiKeys() {
  return db().apiKey.findMany({
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, scopes: true, createdBy: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

/**
 * The seed's deployments send one shared checkout key (`CHECKOUT_API_KEY`) to the payments,
 * fulfillment and Prometheus endpoints; when that variable is set, it is honoured as a key with the
 * `checkout` scope. Compared as digests so the comparison is constant-time whatever the lengths.
 */
function envCheckoutKey(token: string): ApiKeyIdentity | null {
  const configured = process.env.CHECKOUT_API_KEY;
  if (!configured || configured.length < 16) return null;
  if (!timingSafeEqual(Buffer.from(digest(token), "hex"), Buffer.from(digest(configured), "hex"))) return null;
  return { kind: "apiKey", id: "env:CHECKOUT_API_KEY", name: "CHECKOUT_API_KEY", scopes: ["checkout"] };
}

/**
 * Verified keys by their digest, for 5 s: half of the load suite's requests carry an API key
 * (enqueues, searches, scrapes), and each paid a query. A revoked key therefore keeps working for
 * up to 5 s on other instances (this one forgets at once: revokeApiKey). Unknown keys are cached as
 * null too, so guessing costs no query; the bad-key throttle still counts every attempt.
 */
const KEY_CACHE_MS = 5_000;
const recentKeys = processSingleton("recentApiKeys", () => singleFlightCache<ApiKeyIdentity | null>({ name: "api_key", maxEntries: 1_000 }));

/** Resolves a bearer token to a key identity, or null when unknown, malformed or revoked. */
export async function verifyApiKey(token: string): Promise<ApiKeyIdentity | null> {
  const fromEnv = envCheckoutKey(token);
  if (fromEnv) return fromEnv;
  const m = KEY_RE.exec(token);
  if (!m) return null;
  return recentKeys.get(digest(token), () => lookUpApiKey(token, m[1]), KEY_CACHE_MS);
}

async function lookUpApiKey(token: string, prefix: string): Promise<ApiKeyIdentity | null> {
  // Plain SQL on the pool: this runs on every API-key request, and Prisma compiling the lookup each
  // time was 7 % of an instance's CPU under load (perf profile in docs/reliability.md).
  const { rows } = await pool().query<{ id: string; name: string; hash: string; scopes: string[]; last_used_at: Date | null }>(
    `SELECT id, name, hash, scopes, last_used_at FROM api_keys WHERE prefix = $1 AND revoked_at IS NULL`,
    [prefix],
  );
  const row = rows[0];
  if (!row) return null;
  const a = Buffer.from(digest(token), "hex");
  const b = Buffer.from(row.hash, "hex");
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > TOUCH_AFTER_MS) {
    // Throttled so a 15 s scrape interval does not turn into a write per scrape; the condition keeps
    // a burst of requests that all saw an old time from queueing on the row.
    void pool()
      .query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`, [row.id, TOUCH_AFTER_MS / 1000])
      .catch(() => {});
  }
  return { kind: "apiKey", id: row.id, name: row.name, scopes: row.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)) };
}
