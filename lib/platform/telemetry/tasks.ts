// Task telemetry for every worker runtime: task.started, then task.completed or task.failed with
// the runtime, plus task_runtime_seconds. The task runs in its own work context, so its slow
// queries carry its trace id.
import { boundedType } from "../metrics";
import { workContext } from "./context";
import { EVENT_NAMES, emitEvent } from "./events";
import { taskRuntime } from "./metrics";
import { currentTraceId, withTaskSpan } from "./tracing";

/** `runtime` names the worker runtime ("fulfillment"), `task` the task type: both code-defined. */
export function traceTask<T>(runtime: string, task: string, fn: () => Promise<T>): Promise<T> {
  return workContext.run({ queries: 0, queryMs: 0 }, () =>
    withTaskSpan(runtime, task, async () => {
      const work = workContext.getStore()!;
      work.traceId = currentTraceId();
      const tags = { runtime, task };
      emitEvent({ name: EVENT_NAMES.taskStarted, tags });
      const started = performance.now();
      try {
        const result = await fn();
        const ms = performance.now() - started;
        taskRuntime.observe({ runtime, task, outcome: "completed" }, ms / 1000);
        emitEvent({ name: EVENT_NAMES.taskCompleted, durationMs: ms, tags: { ...tags, queries: work.queries } });
        return result;
      } catch (err) {
        const ms = performance.now() - started;
        taskRuntime.observe({ runtime, task, outcome: "failed" }, ms / 1000);
        const message = err instanceof Error ? err.message : String(err);
        // Error.name survives minification (classes set it); the constructor's name may not.
        const kind = err instanceof Error && err.name !== "Error" ? err.name.replace(/[^A-Za-z0-9_]/g, "").slice(0, 40) || "Error" : boundedType(err);
        emitEvent({ name: EVENT_NAMES.taskFailed, severity: "warning", durationMs: ms, detail: `${kind}: ${message}`, tags: { ...tags, error: kind } });
        throw err;
      }
    }),
  );
}
