// Guessing API keys from one address ends in 429 with Retry-After; other addresses are unaffected.
import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { route } from "../http/route";
import { createApiKey } from "./api-keys";

const scraped = route({ route: "/test/key-guessing", policy: { apiKey: "metrics:read" } }, async () => ({ ok: true }));
const call = (key: string, address: string) =>
  scraped(new NextRequest("http://x/test/key-guessing", { headers: { authorization: `Bearer ${key}`, "x-forwarded-for": address } }), { params: Promise.resolve({}) });

describe("API-key misuse throttling", () => {
  it("answers 401 to the first bad keys from an address, then 429 with Retry-After, while valid keys elsewhere still work", async () => {
    process.env.API_KEY_MAX_FAILURES_PER_ADDRESS = "5";
    try {
      const guesser = `192.0.2.${randomUUID().slice(0, 6)}`;
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await call(`opsk_AAAAAAAA_${randomUUID().replace(/-/g, "").padEnd(43, "x")}`, guesser)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const limited = await call("not-a-key", guesser);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(200); // API_KEY_BLOCK_SECONDS = 300
      expect((await limited.json()).error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/retry in \d+ s/) });

      const { key } = await createApiKey({ name: `throttle-${Date.now()}`, scopes: ["metrics:read"], actor: "test" });
      expect((await call(key, `192.0.2.${randomUUID().slice(0, 6)}`)).status).toBe(200);
    } finally {
      delete process.env.API_KEY_MAX_FAILURES_PER_ADDRESS;
    }
  });
});
