// Task telemetry for every worker runtime: task.started, then task.completed or task.failed with
// the runtime, plus task_runtime_seconds. The task runs in its own work context, so its slow
// queries carry its trace id. A queue runs thousands of tasks a second: storing two events for each
// cost the worker a third of its throughput (docs/benchmarks.md) and would flood telemetry_events,
// so started/completed pairs are sampled per runtime and task type (TELEMETRY_TASK_EVENTS_PER_SECOND);
// every failure is stored, and task_runtime_seconds counts every task.
import { boundedType } from "../metrics";
import { workContext } from "./context";
import { EVENT_NAMES, emitEvent, eventSampler } from "./events";
import { taskEventsUnsampled, taskRuntime } from "./metrics";
import { telemetrySettings } from "./settings";
import { currentTraceId, withTaskSpan } from "./tracing";

const sampled = eventSampler(() => telemetrySettings().TELEMETRY_TASK_EVENTS_PER_SECOND);

/** `runtime` names the worker runtime ("fulfillment"), `task` the task type: both code-defined. */
export function traceTask<T>(runtime: string, task: string, fn: () => Promise<T>): Promise<T> {
  return workContext.run({ queries: 0, queryMs: 0 }, () =>
    withTaskSpan(runtime, task, async () => {
      const work = workContext.getStore()!;
      work.traceId = currentTraceId();
      const tags = { runtime, task };
      const recorded = sampled(`${runtime}\u0000${task}`);
      if (recorded) emitEvent({ name: EVENT_NAMES.taskStarted, tags });
      else taskEventsUnsampled.inc({ runtime });
      const started = performance.now();
      try {
        const result = await fn();
        const ms = performance.now() - started;
        taskRuntime.observe({ runtime, task, outcome: "completed" }, ms / 1000);
        if (recorded) emitEvent({ name: EVENT_NAMES.taskCompleted, durationMs: ms, tags: { ...tags, queries: work.queries } });
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
