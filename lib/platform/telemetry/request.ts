// Request telemetry, wrapped around every route() handler: runs the handler inside a work context
// (so its queries are counted and attributed), then records the per-minute statistics and emits
// http.request.slow and database.query_budget_exceeded when the thresholds are crossed.
import type { NextRequest } from "next/server";
import { resolveRequestId, workContext, type WorkContext } from "./context";
import { EVENT_NAMES, emitEvent } from "./events";
import { queryBudgetExceeded } from "./metrics";
import { recordRequest } from "./request-stats";
import { telemetrySettings } from "./settings";
import { currentTraceId, withRequestSpan } from "./tracing";

type Handler<C> = (req: NextRequest, ctx: C) => Promise<Response>;

export function withRequestTelemetry<C>(route: string, handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    const started = performance.now();
    const work: WorkContext = { requestId: resolveRequestId(req), route, queries: 0, queryMs: 0 };
    const response = await workContext.run(work, () =>
      withRequestSpan(req.method, route, async () => {
        work.traceId = currentTraceId();
        return handler(req, ctx);
      }),
    );
    afterRequest(work, route, req.method, response, performance.now() - started);
    return response;
  };
}

function afterRequest(work: WorkContext, route: string, method: string, response: Response, ms: number): void {
  const s = telemetrySettings();
  recordRequest(route, method, response.status, ms);
  const tags = { method, status: response.status };
  if (ms > s.SLOW_REQUEST_WARNING_MS) {
    emitEvent({ name: EVENT_NAMES.slowRequest, severity: "warning", durationMs: ms, route, requestId: work.requestId, traceId: work.traceId, tags: { ...tags, queries: work.queries, threshold_ms: s.SLOW_REQUEST_WARNING_MS } });
  }
  if (work.queries > s.MAX_QUERIES_PER_REQUEST) {
    queryBudgetExceeded.inc({ route, method });
    emitEvent({ name: EVENT_NAMES.queryBudgetExceeded, severity: "warning", durationMs: ms, route, requestId: work.requestId, traceId: work.traceId, tags: { ...tags, queries: work.queries, budget: s.MAX_QUERIES_PER_REQUEST } });
  }
  if (s.QUERY_COUNT_HEADER) {
    try {
      response.headers.set("x-query-count", String(work.queries));
    } catch {
      // A response with immutable headers (a proxied fetch) goes out without the header.
    }
  }
}
