import "server-only";
// Background loops (queue workers, alert evaluator, demo simulator) declare themselves here; they run
// inside each server process (instrumentation.ts) and standalone in `npm run worker`.
import { logger } from "./logger";

export interface RunningWorker {
  /** Stop taking new work, finish in-flight work, then resolve. */
  stop(): Promise<void>;
}

export interface WorkerDefinition {
  name: string;
  /** Whether this process should run it, with a reason either way for the start-up log. */
  enabled(): { enabled: boolean; settings?: Record<string, unknown>; reason?: string };
  start(): Promise<RunningWorker>;
}

export async function startWorkers(defs: WorkerDefinition[], where: "server" | "standalone"): Promise<RunningWorker> {
  const running: { name: string; worker: RunningWorker }[] = [];
  for (const def of defs) {
    const state = def.enabled();
    if (!state.enabled) {
      logger.warn({ event: "worker_disabled", worker: def.name, where, reason: state.reason, settings: state.settings }, `${def.name} is disabled in this process`);
      continue;
    }
    try {
      running.push({ name: def.name, worker: await def.start() });
      logger.info({ event: "worker_started", worker: def.name, where, settings: state.settings }, `${def.name} started`);
    } catch (err) {
      logger.error({ event: "worker_start_failed", worker: def.name, where, err }, `${def.name} failed to start`);
    }
  }
  return {
    async stop() {
      await Promise.all(
        running.map(async ({ name, worker }) => {
          await worker.stop();
          logger.info({ event: "worker_stopped", worker: name, where }, `${name} stopped`);
        }),
      );
    },
  };
}
