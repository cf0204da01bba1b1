import { describe, expect, it } from "vitest";
import { sessionCookie } from "./identity";

describe("sessionCookie", () => {
  it("finds Auth.js's session cookie, plain or __Secure-, and joins its chunks in order", () => {
    expect(sessionCookie([{ name: "other", value: "x" }])).toBeNull();
    expect(sessionCookie([{ name: "authjs.session-token", value: "abc" }, { name: "authjs.csrf-token", value: "c" }])).toBe("authjs.session-token=abc");
    expect(sessionCookie([{ name: "__Secure-authjs.session-token", value: "s" }])).toBe("__Secure-authjs.session-token=s");
    const chunks = [2, 10, 1, 0].map((i) => ({ name: `authjs.session-token.${i}`, value: `p${i}` }));
    expect(sessionCookie(chunks)).toBe("authjs.session-token.0=p0;authjs.session-token.1=p1;authjs.session-token.2=p2;authjs.session-token.10=p10");
  });
});
