// NOTIFY coalescing on the real database: the first enqueue of a window notifies inline, the
// others do not, and one trailing NOTIFY follows their commits so the workers still wake.
import { describe, expect, it } from "vitest";
import { pool } from "@/lib/platform/db";
import { NOTIFY_CHANNEL, workerWaker } from "./queue";

describe("workerWaker", () => {
  it("notifies inline once per window and sends one trailing notification for the skipped commits", async () => {
    const listener = await pool().connect();
    const heard: number[] = [];
    listener.on("notification", (n) => n.channel === NOTIFY_CHANNEL && heard.push(Date.now()));
    await listener.query(`LISTEN ${NOTIFY_CHANNEL}`);
    try {
      const waker = workerWaker(pool, 100);
      expect(waker.inline()).toBe(true);
      expect(waker.inline()).toBe(false);
      expect(waker.inline()).toBe(false);
      const skipped = Date.now();
      waker.committed(false);
      waker.committed(false);
      await new Promise((r) => setTimeout(r, 400));
      expect(heard.length).toBe(1);
      expect(heard[0] - skipped).toBeGreaterThanOrEqual(90);
      // A window later, the next transaction notifies inline again, and one that did needs no trailing one.
      expect(waker.inline()).toBe(true);
      waker.committed(true);
      await new Promise((r) => setTimeout(r, 200));
      expect(heard.length).toBe(1);
    } finally {
      await listener.query(`UNLISTEN ${NOTIFY_CHANNEL}`);
      listener.release();
    }
  });
});
