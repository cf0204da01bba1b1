// Platform telemetry: operational events, request/query/task/cache instrumentation, per-minute
// request statistics and traces. See docs/telemetry.md.
export { emitEvent, EVENT_NAMES, EVENT_SEVERITIES, type EventInput, type EventSeverity } from "./events";
export { withRequestTelemetry } from "./request";
export { traceTask } from "./tasks";
export { recordCacheRoundtrip } from "./cache";
export { flushTelemetry, startTelemetryWriter, stopTelemetryWriter } from "./writer";
export { instrumentPool } from "./queries";
export { resolveRequestId, currentWork } from "./context";
export { telemetrySettings, resetTelemetrySettings } from "./settings";
