// One prom-client registry per process (see global.ts). Labels are bounded: route templates,
// methods, status codes, error types — never ids, emails, raw paths or free text.
import client from "prom-client";
import { processSingleton } from "./global";

export const registry = processSingleton("promRegistry", () => {
  const r = new client.Registry();
  client.collectDefaultMetrics({ register: r });
  return r;
});

function metric<T>(name: string, create: () => T): T {
  return processSingleton(`metric.${name}`, create);
}

export function counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []) {
  return metric(name, () => new client.Counter<L>({ name, help, labelNames: [...labelNames], registers: [registry] }));
}

export function gauge<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  collect?: (this: client.Gauge<L>) => void | Promise<void>,
) {
  return metric(name, () => new client.Gauge<L>({ name, help, labelNames: [...labelNames], registers: [registry], collect }));
}

export function histogram<L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets?: number[]) {
  return metric(name, () => new client.Histogram<L>({ name, help, labelNames: [...labelNames], buckets, registers: [registry] }));
}

export const httpRequests = counter("http_requests_total", "HTTP requests by route template, method and status", ["route", "method", "status"] as const);
export const httpDuration = histogram(
  "http_request_duration_seconds",
  "HTTP request duration by route template and method",
  ["route", "method"] as const,
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);
export const requestsShed = counter("http_requests_shed_total", "Requests refused with 503 because this instance already had OPSDECK_MAX_INFLIGHT requests in progress");
/** Bad input that passed a route's schema and was refused by the database: a schema to tighten. */
export const invalidInputEscaped = counter(
  "http_invalid_input_escaped_total",
  "Requests answered 400 invalid_input because the database refused a value the route's schema accepted, by route template",
  ["route"] as const,
);
export const exceptions = counter("exceptions_total", "Unhandled exceptions by error class and location", ["type", "location"] as const);

/** Error class names are code-defined, but cap their length and charset to be safe. */
export function boundedType(err: unknown): string {
  const name = err instanceof Error ? err.constructor.name || err.name : typeof err;
  return name.replace(/[^A-Za-z0-9_]/g, "").slice(0, 40) || "Unknown";
}
