// What telemetry knows about the work in progress: the request (id, route template, query count)
// or a task, carried through async calls by AsyncLocalStorage so database queries and events can
// be attributed without passing a context argument everywhere.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { processSingleton } from "../global";

export interface WorkContext {
  requestId?: string;
  /** Route template ("/api/v1/alerts/[id]"), never a raw path. */
  route?: string;
  traceId?: string;
  queries: number;
  queryMs: number;
  /** Set while telemetry writes its own rows: those queries are neither counted nor reported. */
  internal?: boolean;
}

export const workContext = processSingleton("telemetryContext", () => new AsyncLocalStorage<WorkContext>());

export function currentWork(): WorkContext | undefined {
  return workContext.getStore();
}

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's x-request-id when it is well-formed, else a new one; inside a traced request, that request's id. */
export function resolveRequestId(req: { headers: Headers }): string {
  const inWork = workContext.getStore()?.requestId;
  if (inWork) return inWork;
  const incoming = req.headers.get("x-request-id");
  return incoming && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
}

/** Runs fn outside any request context (timers started there would otherwise inherit it). */
export function outsideWork<T>(fn: () => T): T {
  return workContext.exit(fn);
}

/** Runs fn as telemetry's own work: its queries are not attributed to anyone. */
export function asInternal<T>(fn: () => T): T {
  return workContext.run({ queries: 0, queryMs: 0, internal: true }, fn);
}
