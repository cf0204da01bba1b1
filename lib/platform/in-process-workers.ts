import "server-only";
import { processSingleton } from "./global";
import { logger } from "./logger";
import { startWorkers, type WorkerDefinition } from "./worker-runtime";

/** Starts the given workers once per server process (instrumentation.ts passes lib/domains.ts's list). */
export async function startInProcessWorkers(workers: WorkerDefinition[]): Promise<void> {
  const started = processSingleton("inProcessWorkers", () => ({ value: false }));
  if (started.value) return;
  started.value = true;
  const running = await startWorkers(workers, "server");
  let draining = false;
  const drain = async (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    logger.info({ signal }, "draining background workers before exit");
    await running.stop();
    process.exit(0);
  };
  process.once("SIGTERM", () => void drain("SIGTERM"));
  process.once("SIGINT", () => void drain("SIGINT"));
}
