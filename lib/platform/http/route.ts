import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { AppError, STATUS_BY_CODE, type ErrorCode } from "../errors";
import { logger } from "../logger";
import { readRawBody } from "./raw-body";
import { boundedType, exceptions, httpDuration, httpRequests, invalidInputEscaped, requestsShed } from "../metrics";
import { verifyApiKey, type ApiKeyIdentity } from "../auth/api-keys";
import { currentUser, type SessionIdentity } from "../auth/identity";
import { recordBadApiKey } from "../auth/api-key-throttle";
import { clientAddress } from "./client-address";
import { can, type Permission, type Scope } from "../auth/roles";
import { escapedInput } from "./escaped-input";
import { hstsHeader, isOwnOrigin } from "./transport";
import { resolveRequestId, withRequestTelemetry } from "../telemetry";
import { clearSharedReads, sharedRead } from "../shared-read";
import { processSingleton } from "../global";

/** Who may call: nobody is implicit. A route with both session and apiKey accepts either. */
export type Policy =
  | { public: true; reason: string }
  | { session?: Permission; apiKey?: Scope | readonly Scope[] };

export type Identity = SessionIdentity | ApiKeyIdentity | { kind: "anonymous" };

export interface RouteDef<Q extends z.ZodType, B extends z.ZodType, P extends z.ZodType> {
  /** The route template used in metrics and logs, e.g. "/api/v1/tasks/[id]". */
  route: string;
  policy: Policy;
  query?: Q;
  body?: B;
  params?: P;
  maxBodyBytes?: number;
  /**
   * GET only, for a handler whose answer is the same for every caller the policy admits (a panel,
   * not "my items"): the answer is computed once per OPSDECK_SHARED_READ_MS per process for each
   * path and query, and shared (lib/platform/shared-read.ts). Authorization still runs per request.
   */
  sharedRead?: true;
  /** "exempt": answered even when the instance is at capacity (the liveness probe). */
  admission?: "exempt";
}

export interface RouteContext<Q, B, P> {
  req: NextRequest;
  query: Q;
  body: B;
  params: P;
  identity: Identity;
  requestId: string;
  /** "user:<email>" or "apikey:<name>": the actor recorded in audit rows. */
  actor: string;
}

export type RouteHandler = ((req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>) & {
  policy: Policy;
  route: string;
  /** The declared input schemas, read by the route fuzzer (test/fuzz) to aim its inputs. */
  schemas: { query?: z.ZodType; body?: z.ZodType; params?: z.ZodType };
};

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

function zodDetails(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

function describeIssues(where: string, error: z.ZodError): string {
  const first = error.issues[0];
  const at = first?.path.length ? ` at "${first.path.join(".")}"` : "";
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s), see details)` : "";
  return `Invalid ${where}${at}: ${first?.message ?? "invalid"}${more}.`;
}

function searchParamsObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

async function readJsonBody(req: NextRequest, limit: number): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", `Send the body as JSON with "Content-Type: application/json" (got "${type || "none"}").`);
  }
  const text = (await readRawBody(req, limit)).toString("utf8");
  if (!text.trim()) throw new AppError("bad_request", "The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError("bad_request", `The body is not valid JSON: ${(err as Error).message}.`);
  }
}

/**
 * Browsers send Origin (or Sec-Fetch-Site) on cross-site requests; reject those for
 * cookie-authenticated mutations. Origin is compared with OPSDECK_PUBLIC_URL, else with Host
 * (X-Forwarded-Host/-Proto only with OPSDECK_TRUST_PROXY=true): see transport.ts.
 */
function assertSameOrigin(req: NextRequest): void {
  const origin = req.headers.get("origin");
  if (origin) {
    if (!isOwnOrigin(origin, req.headers)) throw new AppError("forbidden", "Cross-site request refused: this action must come from the Opsdeck console itself.");
    return;
  }
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    throw new AppError("forbidden", "Cross-site request refused: this action must come from the Opsdeck console itself.");
  }
}

const scopesOf = (s: Scope | readonly Scope[]): readonly Scope[] => (typeof s === "string" ? [s] : s);
const describeScopes = (scopes: readonly Scope[]) => scopes.map((s) => `"${s}"`).join(" or ");

async function authorize(req: NextRequest, policy: Policy, method: string): Promise<Identity> {
  if ("public" in policy) return { kind: "anonymous" };
  const header = req.headers.get("authorization");
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new AppError("unauthenticated", 'Malformed Authorization header: use "Authorization: Bearer <api key>".');
    const key = await verifyApiKey(m[1]);
    if (!key) {
      const wait = await recordBadApiKey(clientAddress(req.headers));
      if (wait) throw new AppError("rate_limited", `Too many requests with unknown or revoked API keys from this address; retry in ${wait} s with a valid key.`, { retry_after_seconds: wait });
      throw new AppError("unauthenticated", "Unknown or revoked API key. Ask an admin for a new key (Admin → API keys).");
    }
    if (!policy.apiKey) throw new AppError("forbidden", "This endpoint is for signed-in users, not API keys.");
    const accepted = scopesOf(policy.apiKey);
    if (!accepted.some((s) => key.scopes.includes(s))) {
      throw new AppError("forbidden", `This API key lacks the ${describeScopes(accepted)} scope. Create a key with that scope.`);
    }
    return key;
  }
  const user = policy.session ? await currentUser() : null;
  if (!user) {
    const how = policy.apiKey ? `an API key with the ${describeScopes(scopesOf(policy.apiKey))} scope (Authorization: Bearer …)` : "a signed-in session";
    throw new AppError("unauthenticated", `Authentication required: call with ${how}.`);
  }
  if (!can(user.role, policy.session!)) {
    throw new AppError("forbidden", `Your role (${user.role}) cannot do this; it needs the "${policy.session}" permission. Ask an admin.`);
  }
  if (MUTATING.has(method)) assertSameOrigin(req);
  return user;
}

function toAppError(err: unknown, ctx: { requestId: string; route: string; method: string }): AppError {
  if (err instanceof AppError) return err;
  const escaped = escapedInput(err);
  if (escaped) {
    // A schema let this value through: answer what to fix, and make the gap visible.
    invalidInputEscaped.inc({ route: ctx.route });
    logger.warn({ ...ctx, field: escaped.field, source: escaped.source, reason: escaped.reason }, "invalid input escaped schema validation");
    const where = escaped.field ? ` in "${escaped.field}"` : "";
    return new AppError("invalid_input", `The database refused a value${where}: ${escaped.reason}. Correct it and send the request again.`, {
      ...(escaped.field ? { field: escaped.field } : {}),
      reason: escaped.reason,
    });
  }
  const code = (err as { code?: string })?.code;
  if (code === "P2025") return new AppError("not_found", "The record was not found; it may have been removed.");
  if (code === "P2002") return new AppError("conflict", "A record with the same unique value already exists.");
  return new AppError("internal", "Internal error.");
}

/**
 * Admission control, off unless OPSDECK_MAX_INFLIGHT is set: at most that many requests run at once
 * in this process; the next are refused at once with 503 and Retry-After instead of queueing until
 * their callers time out. Off by default because the load suite measured fewer answered requests with
 * it (a refusal still costs the instance most of a request's CPU, and the suite's clients do not
 * honour Retry-After): docs/reliability.md. For instances behind a balancer that retries elsewhere.
 */
const admission = (() => {
  const state = processSingleton("httpAdmission", () => ({ inFlight: 0 }));
  const limit = () => Number(process.env.OPSDECK_MAX_INFLIGHT) || Infinity;
  return {
    limit,
    enter(): boolean {
      if (state.inFlight >= limit()) {
        requestsShed.inc();
        return false;
      }
      state.inFlight++;
      return true;
    },
    leave(): void {
      state.inFlight--;
    },
  };
})();

/** A shared answer is serialised once per caller: a Response (one body stream) cannot be shared. */
function shareable<T>(result: T): T {
  if (result instanceof Response) throw new Error("a route declared sharedRead returned a Response; share data, not a Response");
  return result;
}

export function route<
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
>(def: RouteDef<Q, B, P>, handler: (ctx: RouteContext<z.infer<Q>, z.infer<B>, z.infer<P>>) => Promise<unknown>): RouteHandler {
  const fn = async (req: NextRequest, routeCtx: { params: Promise<Record<string, string | string[]>> }) => {
    const started = performance.now();
    const requestId = resolveRequestId(req);
    const method = req.method;
    let response: Response;
    const admitted = def.admission === "exempt" || admission.enter();
    try {
      if (!admitted) {
        throw new AppError("unavailable", `This instance is at capacity (${admission.limit()} requests in progress); retry in 1 s, or spread the load over more instances.`, {
          retry_after_seconds: 1,
        });
      }
      const identity = await authorize(req, def.policy, method);
      const url = new URL(req.url);
      const parse = <T extends z.ZodType | undefined>(schema: T, input: unknown, where: string) => {
        if (!schema) return undefined;
        const r = schema.safeParse(input);
        if (!r.success) throw new AppError(where === "body" ? "validation_failed" : "bad_request", describeIssues(where, r.error), zodDetails(r.error));
        return r.data;
      };
      const params = parse(def.params, await routeCtx?.params, "path");
      const query = parse(def.query, searchParamsObject(url), "query");
      const body = def.body ? parse(def.body, await readJsonBody(req, def.maxBodyBytes ?? Number(process.env.MAX_BODY_BYTES ?? 1_048_576)), "body") : undefined;
      const actor = identity.kind === "session" ? `user:${identity.email}` : identity.kind === "apiKey" ? `apikey:${identity.name}` : "anonymous";
      const run = () => handler({ req, query, body, params, identity, requestId, actor } as RouteContext<z.infer<Q>, z.infer<B>, z.infer<P>>);
      const result = def.sharedRead && method === "GET" ? await sharedRead(`${def.route} ${JSON.stringify([params, query])}`, () => run().then(shareable)) : await run();
      // A console action: this instance's shared panel reads may show what it just changed.
      if (MUTATING.has(method) && identity.kind === "session") clearSharedReads();
      // A Response built elsewhere (next-auth's, a redirect) may have immutable headers: copy it.
      response = result instanceof Response ? new Response(result.body, result) : NextResponse.json(result ?? { ok: true });
    } catch (err) {
      const appErr = toAppError(err, { requestId, route: def.route, method });
      if (appErr.code === "internal") {
        exceptions.inc({ type: boundedType(err), location: def.route });
        logger.error({ requestId, route: def.route, method, err }, "unhandled error in route");
      }
      const message = appErr.code === "internal" ? `Internal error. Quote request id ${requestId} to find it in the logs.` : appErr.message;
      response = NextResponse.json(errorBody(appErr.code, message, appErr.details), { status: STATUS_BY_CODE[appErr.code] });
      const retryAfter = (appErr.details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds;
      if ((appErr.code === "rate_limited" || appErr.code === "unavailable") && typeof retryAfter === "number") response.headers.set("retry-after", String(retryAfter));
      if (appErr.code === "unauthenticated" && def.policy && !("public" in def.policy) && def.policy.apiKey) {
        response.headers.set("www-authenticate", 'Bearer realm="opsdeck"');
      }
    } finally {
      if (admitted && def.admission !== "exempt") admission.leave();
    }
    response.headers.set("x-request-id", requestId);
    if (!response.headers.has("cache-control")) response.headers.set("cache-control", "no-store");
    const hsts = hstsHeader(req.headers);
    if (hsts) response.headers.set("strict-transport-security", hsts);
    const seconds = (performance.now() - started) / 1000;
    httpRequests.inc({ route: def.route, method, status: String(response.status) });
    httpDuration.observe({ route: def.route, method }, seconds);
    logger.info({ requestId, route: def.route, method, status: response.status, durationMs: Math.round(seconds * 1000) }, "request");
    return response;
  };
  return Object.assign(withRequestTelemetry(def.route, fn), { policy: def.policy, route: def.route, schemas: { query: def.query, body: def.body, params: def.params } });
}

/** Parses a JSON number/boolean carried in a query string. */
export const queryInt = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
