// The leased limiter on the real PostgreSQL store: one database round trip per lease, never more
// than the limit in total across instances (two leased limiters over one table stand for two
// processes), the remainder of a lease that crosses the limit granted, and a 429-style answer after.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pool } from "./db";
import { leasedLimiter, rateLimiter } from "./rate-limit";

const name = `lease-test-${randomBytes(3).toString("hex")}`;

describe("leasedLimiter", () => {
  it("spends locally within a lease and holds the shared limit across instances", async () => {
    const shared = rateLimiter({ name, points: 10, windowSeconds: 60 });
    const a = leasedLimiter(shared, 4);
    const b = leasedLimiter(shared, 4);
    const key = `client-${randomBytes(3).toString("hex")}`;
    const stored = async () => (await pool().query<{ points: number }>(`SELECT points FROM rate_limits WHERE key = $1`, [`${name}:${key}`])).rows[0]?.points ?? 0;

    // a: one lease of 4 serves 4 requests with one consume.
    for (let i = 0; i < 4; i++) expect((await a.spend(key)).limited).toBe(false);
    expect(await stored()).toBe(4);
    // b leases 4 more (8 spent), a the last 2 of its next lease (12 counted, 10 granted).
    for (let i = 0; i < 4; i++) expect((await b.spend(key)).limited).toBe(false);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await a.spend(key));
    expect(results.map((r) => r.limited)).toEqual([false, false, true, true]);
    expect(results[2].retryAfterSeconds).toBeGreaterThan(0);
    // b's lease is used up: the shared table refuses it too. 10 granted in total, never more.
    expect((await b.spend(key)).limited).toBe(true);
  });

  it("with a lease of 1 behaves like spending one point per request", async () => {
    const one = leasedLimiter(rateLimiter({ name, points: 2, windowSeconds: 60 }), 1);
    const key = `client-${randomBytes(3).toString("hex")}`;
    expect([(await one.spend(key)).limited, (await one.spend(key)).limited, (await one.spend(key)).limited]).toEqual([false, false, true]);
  });
});
