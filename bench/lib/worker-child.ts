// A standalone worker process of our queue for bench/crash-recovery.ts: its `noop` handler sleeps
// `payload.sleepMs`, so the task is held (and its lease renewed) long enough to be killed mid-task.
// With `handlers: "reconciliation"` it runs reconciliation's handler instead (bench/reconciliation.ts).
// argv: <json {url, workerId, batchSize, concurrency, leaseMs, pollIntervalMs, handlers?}>
import pg from "pg";
import { createWorker, type HandlerRegistry } from "@/lib/fulfillment/worker";

const config = JSON.parse(process.argv[2]) as { url: string; workerId: string; batchSize: number; concurrency: number; leaseMs: number; pollIntervalMs: number; handlers?: "noop" | "reconciliation" };

const noop: HandlerRegistry = {
  noop: async (task) => {
    const ms = Number((task.payload as { sleepMs?: number } | null)?.sleepMs ?? 0);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  },
};

async function main() {
  const pool = new pg.Pool({ connectionString: config.url, max: config.concurrency + 4 });
  pool.on("error", () => {});
  const worker = createWorker({
    pool,
    workerId: config.workerId,
    batchSize: config.batchSize,
    concurrency: config.concurrency,
    leaseMs: config.leaseMs,
    pollIntervalMs: config.pollIntervalMs,
    maxAttempts: 5,
    handlers: config.handlers === "reconciliation" ? (await import("@/lib/reconciliation/handlers")).createReconciliationHandlers(() => pool) : noop,
  });
  await worker.start();
  process.send?.({ type: "started" });
  process.on("message", async (m: { type: string }) => {
    if (m.type === "stop") {
      await worker.stop();
      await pool.end();
      process.send?.({ type: "stopped" });
      setTimeout(() => process.exit(0), 50);
    }
  });
  process.on("disconnect", () => process.exit(0));
}

main().catch((err) => {
  console.error(`[worker-child ${config.workerId}]`, err);
  process.exit(1);
});
