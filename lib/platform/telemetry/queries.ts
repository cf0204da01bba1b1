// Database query instrumentation: every query on the process pool (our SQL and Prisma's, which
// runs over the same pool) is timed; a query over SLOW_QUERY_THRESHOLD_MS becomes a
// database.slow_query event with its normalised SQL, and queries are counted per request for the
// query budget (request.ts). Wraps each pooled client's query() once, when the pool connects it.
import type pg from "pg";
import { currentWork, type WorkContext } from "./context";
import { EVENT_NAMES, emitEvent } from "./events";
import { dbQueryDuration } from "./metrics";
import { gauge } from "../metrics";
import { telemetrySettings } from "./settings";
import { normaliseSql } from "./sql";

type QueryArgs = unknown[];
const WRAPPED = Symbol.for("opsdeck.telemetry.wrappedClient");

function sqlText(first: unknown): string {
  if (typeof first === "string") return first;
  const text = (first as { text?: unknown } | null)?.text;
  return typeof text === "string" ? text : "";
}

export function recordQuery(work: WorkContext | undefined, sql: string, ms: number): void {
  dbQueryDuration.observe(ms / 1000);
  if (work) {
    work.queries++;
    work.queryMs += ms;
  }
  if (ms > telemetrySettings().SLOW_QUERY_THRESHOLD_MS) {
    // Completion callbacks run in the connection's async context: attribute from the captured work.
    emitEvent({
      name: EVENT_NAMES.slowQuery,
      severity: "warning",
      durationMs: ms,
      detail: normaliseSql(sql),
      route: work?.route,
      requestId: work?.requestId,
      traceId: work?.traceId,
      tags: { threshold_ms: telemetrySettings().SLOW_QUERY_THRESHOLD_MS },
    });
  }
}

export function instrumentClient(client: pg.ClientBase): void {
  const target = client as pg.ClientBase & { [WRAPPED]?: true };
  if (target[WRAPPED]) return;
  target[WRAPPED] = true;
  const original = client.query as (...args: QueryArgs) => unknown;
  (client as unknown as { query: (...args: QueryArgs) => unknown }).query = function (this: unknown, ...args: QueryArgs) {
    const work = currentWork();
    if (work?.internal) return original.apply(this, args);
    const started = performance.now();
    let recorded = false;
    const done = () => {
      if (recorded) return;
      recorded = true;
      recordQuery(work, sqlText(args[0]), performance.now() - started);
    };
    const last = args[args.length - 1];
    if (typeof last === "function") {
      // pg.Pool#query uses the callback form.
      args[args.length - 1] = function (this: unknown, ...result: unknown[]) {
        done();
        return (last as (...r: unknown[]) => unknown).apply(this, result);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args) as { then?: unknown; once?: unknown } | undefined;
    if (result && typeof result.then === "function") (result as Promise<unknown>).then(done, done);
    else if (result && typeof result.once === "function") {
      const emitter = result as unknown as NodeJS.EventEmitter;
      emitter.once("end", done);
      emitter.once("error", done);
    }
    return result;
  };
}

/** Instruments every client the pool opens from now on, and reports the pool's saturation. */
export function instrumentPool(pool: pg.Pool): void {
  pool.on("connect", (client) => instrumentClient(client));
  gauge("db_pool_connections", "Database pool connections of this process: total, idle, and callers waiting for one", ["state"] as const, function () {
    this.set({ state: "total" }, pool.totalCount);
    this.set({ state: "idle" }, pool.idleCount);
    this.set({ state: "waiting" }, pool.waitingCount);
  });
}
