// A standalone queue worker running only reconciliation's handler, for bench/reconciliation.ts.
// argv: <json {url, workerId, batchSize, concurrency}>; the platform stub's URL comes from the env.
import pg from "pg";
import { createWorker } from "@/lib/fulfillment/worker";
import { createReconciliationHandlers } from "@/lib/reconciliation/handlers";

const config = JSON.parse(process.argv[2]) as { url: string; workerId: string; batchSize: number; concurrency: number };

async function main() {
  const pool = new pg.Pool({ connectionString: config.url, max: config.concurrency + 4 });
  pool.on("error", () => {});
  const worker = createWorker({
    pool,
    workerId: config.workerId,
    batchSize: config.batchSize,
    concurrency: config.concurrency,
    leaseMs: 30_000,
    pollIntervalMs: 1_000,
    maxAttempts: 5,
    handlers: createReconciliationHandlers(() => pool),
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
  console.error(`[reconciliation-worker-child ${config.workerId}]`, err);
  process.exit(1);
});
