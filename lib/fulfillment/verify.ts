// `opsdeck verify`'s test task for the fulfillment worker runtime: enqueue a noop task and wait
// until a worker has run it to completion. Needs a live worker (heartbeating in fulfillment_workers).
import { pool } from "@/lib/platform/db";
import type { TestTask } from "@/lib/platform/telemetry/verify";
import { enqueue, taskStatusSql } from "./queue";
import { listWorkers } from "./stats";

const WAIT_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function liveFulfillmentWorkers(): Promise<number> {
  return (await listWorkers()).filter((w) => w.state === "running" && !w.stale).length;
}

export const fulfillmentTestTask: TestTask = {
  runtime: "fulfillment",
  async run(marker) {
    const live = await liveFulfillmentWorkers();
    if (live === 0) {
      return { ok: false, detail: "no fulfillment worker is running (none heartbeating): start one with `npm run worker` or FULFILLMENT_WORKER_ENABLED=true" };
    }
    const [id] = await enqueue(pool(), [{ taskType: "noop", payload: { verify: marker }, maxAttempts: 1 }]);
    const until = Date.now() + WAIT_MS;
    for (;;) {
      const { rows } = await pool().query<{ status: string | null }>(`select ${taskStatusSql("$1::bigint")} as status`, [String(id)]);
      const status = rows[0]?.status;
      if (status === "succeeded") return { ok: true, detail: `noop task ${id} succeeded (${live} live worker(s))` };
      if (status === "dead_lettered") return { ok: false, detail: `noop task ${id} was dead-lettered: see /fulfillment/dead-letters` };
      if (Date.now() > until) return { ok: false, detail: `noop task ${id} still ${status} after ${WAIT_MS / 1000} s although ${live} worker(s) heartbeat: are they stuck?` };
      await sleep(50);
    }
  },
};
