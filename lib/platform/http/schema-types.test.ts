// The database-safe types at their edges, and that what they accept PostgreSQL stores and reads
// back unchanged (the point of the bounds).
import { afterAll, describe, expect, it } from "vitest";
import { pool } from "../db";
import { bigintId, decodeCursor, encodeCursor, filterTimestamp, jsonValue, pageCursor, text, timestamp, toPageCursor } from "./schema-types";

afterAll(async () => {
  await pool().end();
});

const ok = <T>(r: { success: boolean; data?: T }) => (r.success ? r.data : "refused");

describe("timestamp", () => {
  const t = timestamp("at");

  it("accepts years 0001–9999 as text, epoch ms or Date, and refuses the rest naming the field and range", () => {
    expect(ok(t.safeParse("0001-01-01T00:00:00Z"))).toEqual(new Date("0001-01-01T00:00:00Z"));
    expect(ok(t.safeParse("9999-12-31T23:59:59.999Z"))).toEqual(new Date("9999-12-31T23:59:59.999Z"));
    expect(ok(t.safeParse(0))).toEqual(new Date(0));
    for (const bad of ["+010000-01-01T00:00:00Z", "-271821-04-20T00:00:00.000Z", "0000-12-31T23:59:59Z", 8.64e15, "soon", "", null, true]) {
      const r = t.safeParse(bad);
      expect(r.success, String(bad)).toBe(false);
      expect(r.error!.issues[0].message).toBe("at must be a date/time between 0001-01-01 and 9999-12-31 (UTC), such as 2026-11-23T10:00:00Z");
    }
    expect(filterTimestamp("from").safeParse("1969-12-31T23:59:59Z").error!.issues[0].message).toMatch(/^from must be a date\/time between 1970-01-01 and 9999-12-31/);
  });

  it("PostgreSQL stores both ends and gives them back unchanged", async () => {
    const ends = [t.parse("0001-01-01T00:00:00Z"), t.parse("9999-12-31T23:59:59.999Z")];
    const { rows } = await pool().query<{ a: Date; b: Date }>("SELECT $1::timestamptz AS a, $2::timestamptz AS b", ends);
    expect([rows[0].a, rows[0].b]).toEqual(ends);
  });
});

describe("bigintId", () => {
  const id = bigintId("task id");
  it("accepts 1 … 2^63−1 (normalised) and refuses the rest", async () => {
    expect(ok(id.safeParse("9223372036854775807"))).toBe("9223372036854775807");
    expect(ok(id.safeParse("007"))).toBe("7");
    for (const bad of ["9223372036854775808", "99999999999999999999", "0", "-1", "1e3", " 1", "abc", 12]) expect(id.safeParse(bad).success, String(bad)).toBe(false);
    expect(id.safeParse("0").error!.issues[0].message).toBe("task id must be an id: digits, from 1 to 9223372036854775807");
    const { rows } = await pool().query("SELECT $1::bigint::text AS v", [id.parse("9223372036854775807")]);
    expect(rows[0].v).toBe("9223372036854775807");
  });
});

describe("text and JSON", () => {
  it("refuses NUL and unpaired surrogates, keeps every other character (emoji are surrogate pairs)", async () => {
    const comment = text("comment").trim().max(20);
    expect(ok(comment.safeParse(" ok 😀 é ✓ "))).toBe("ok 😀 é ✓");
    for (const bad of ["a\u0000b", "\ud800", "x\udc00", "\udc00\ud800"]) {
      expect(comment.safeParse(bad).error!.issues[0].message).toBe("comment contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored; remove it");
    }
    const { rows } = await pool().query("SELECT $1::text AS v", [comment.parse("😀")]);
    expect(rows[0].v).toBe("😀");
  });

  it("checks every key and string of a JSON value, naming the path, and caps nesting at 32", () => {
    const payload = jsonValue("payload");
    expect(payload.safeParse({ a: [{ b: "fine" }], n: 1, z: null }).success).toBe(true);
    expect(payload.safeParse({ a: [{ b: "x\u0000" }] }).error!.issues[0]).toMatchObject({ path: ["a", 0, "b"], message: expect.stringMatching(/^payload\.a\.0\.b contains a NUL/) });
    expect(payload.safeParse({ ["k\ud800"]: 1 }).error!.issues[0].message).toMatch(/has a key containing/);
    const nest = (n: number): unknown => (n === 0 ? 1 : [nest(n - 1)]);
    expect(payload.safeParse(nest(32)).success).toBe(true);
    expect(payload.safeParse(nest(33)).error!.issues[0].message).toMatch(/nests deeper than 32 levels/);
  });
});

describe("page cursors", () => {
  it("round-trips, and still reads cursors written by the old Buffer encoding", () => {
    const c = { at: new Date("2026-11-23T10:00:00.123Z"), id: "9223372036854775807" };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor(encodeCursor({ at: c.at.toISOString(), id: "42" }))).toEqual({ at: c.at, id: "42" });
    expect(decodeCursor(Buffer.from(`${c.at.toISOString()}|42`).toString("base64url"))).toEqual({ at: c.at, id: "42" });
    expect(decodeCursor(Buffer.from(`${c.at.toISOString()}|42`).toString("base64"))).toEqual({ at: c.at, id: "42" });
  });

  it("refuses a cursor any part of which the database could not take", () => {
    const raw = (s: string) => Buffer.from(s).toString("base64url");
    for (const bad of [raw("2020-01-01|9999999999999999999"), raw("-271821-04-20T00:00:00.000Z|1"), raw("2020-01-01|1|2"), raw("2020-01-01"), raw("2020-01-01|"), "!!!", "", Buffer.from([0xff, 0xfe]).toString("base64")]) {
      expect(decodeCursor(bad), bad).toBeNull();
      expect(pageCursor.safeParse(bad).success).toBe(false);
    }
    expect(pageCursor.safeParse("x".repeat(201)).success).toBe(false);
    expect(() => toPageCursor("garbage")).toThrow(/cursor is not a page cursor this list returned/);
  });
});
