import "server-only";
// A worker that runs `tick` once per interval (demo simulators): never two ticks at once, and stop()
// waits for the running tick. A failing tick is logged and the next one runs as usual.
import { logger } from "./logger";
import type { RunningWorker } from "./worker-runtime";

export function startTicker(name: string, everyMs: number, tick: () => Promise<unknown>): RunningWorker {
  let stopped = false;
  let inFlight: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (stopped || inFlight) return;
    inFlight = tick()
      .catch((err) => logger.warn({ err, worker: name }, `${name}: tick failed; will try again`))
      .finally(() => (inFlight = null));
  }, everyMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
