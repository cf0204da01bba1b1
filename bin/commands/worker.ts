import type { Command } from "commander";
import { logger } from "@/lib/platform/logger";
import { readyDatabase } from "../lib/database";

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("Run the background workers without the web server (scale out on one PostgreSQL)")
    .action(async () => {
      await readyDatabase();
      await (await import("@/lib/platform/telemetry/otel")).startTracing();
      const { workers } = await import("@/lib/domains");
      const { startWorkers } = await import("@/lib/platform/worker-runtime");
      const running = await startWorkers(workers, "standalone");
      const stop = async (signal: string) => {
        logger.info({ signal }, "worker process draining");
        await running.stop();
        process.exit(0);
      };
      process.once("SIGTERM", () => void stop("SIGTERM"));
      process.once("SIGINT", () => void stop("SIGINT"));
    });
}
