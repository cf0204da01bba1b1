// `opsdeck check observability`: the combined threshold checker of the fulfillment observability
// note (shared seeds 000). Reads each domain's observability endpoint with an API key, prints every
// threshold with its value and verdict, and exits 0 (all within), 1 (a breach) or 2 (could not
// check: endpoint unreachable, 401/403, unexpected payload, or a bad flag).
// Adding a threshold = adding an entry to THRESHOLDS; a new domain also needs an ENDPOINTS entry.
import { InvalidArgumentError, type Command } from "commander";

type Domain = "fulfillment" | "payments" | "catalog";

/** Observability endpoint per domain. */
const ENDPOINTS: Record<Domain, string> = {
  fulfillment: "/api/v1/fulfillment/observability",
  payments: "/api/v1/payments/observability",
  catalog: "/api/v1/catalog/observability",
};

interface Threshold {
  /** CLI flag without the leading dashes */
  flag: string;
  domain: Domain;
  label: string;
  /** "max": breach when value > limit; "min": breach when value < limit; "setting": tunes another threshold */
  kind: "max" | "min" | "setting";
  /** where the value sits in the endpoint's JSON */
  path?: string[];
  /** the value may be null: the endpoint had too little data to judge (reported, neither pass nor breach) */
  nullMeans?: string;
  /** a "setting" is sent to its domain's endpoint as this query parameter */
  queryParam?: string;
}

export const THRESHOLDS: Threshold[] = [
  { flag: "max-fulfillment-dead-lettered", domain: "fulfillment", label: "fulfillment dead-lettered tasks", kind: "max", path: ["totals", "dead_lettered"] },
  { flag: "max-fulfillment-failed", domain: "fulfillment", label: "fulfillment failed attempts", kind: "max", path: ["totals", "failed"] },
  { flag: "max-fulfillment-pending", domain: "fulfillment", label: "fulfillment pending tasks", kind: "max", path: ["totals", "pending"] },
  { flag: "min-fulfillment-processed", domain: "fulfillment", label: "fulfillment processed tasks", kind: "min", path: ["totals", "processed"] },
  { flag: "max-payment-checkout-failures", domain: "payments", label: "payment checkout failures", kind: "max", path: ["checkout", "totals", "failed"] },
  { flag: "max-payment-webhook-failures", domain: "payments", label: "payment webhook failures", kind: "max", path: ["webhooks", "totals", "failed"] },
  {
    flag: "max-catalog-zero-results-rate",
    domain: "catalog",
    label: "catalog zero-results rate",
    kind: "max",
    path: ["zero_results", "rate"],
    nullMeans: "not enough searches",
  },
  { flag: "catalog-min-sample-size", domain: "catalog", label: "catalog minimum sample size", kind: "setting", queryParam: "min_sample_size" },
];

export interface CheckOptions {
  baseUrl: string;
  apiKey: string;
  /** flag → limit */
  limits: Record<string, number>;
  timeoutMs?: number;
}

export class CheckError extends Error {}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function pick(body: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), body);
}

async function fetchJson(baseUrl: string, endpoint: string, apiKey: string, timeoutMs: number): Promise<unknown> {
  const url = `${baseUrl.replace(/\/+$/, "")}${endpoint}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${apiKey}`, accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const c = (err as { cause?: { code?: string; message?: string } }).cause;
    const cause = (err as Error).name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : (c?.code ?? c?.message ?? (err as Error).message);
    throw new CheckError(`Could not reach ${url} (${cause}). Check --base-url and that Opsdeck is running.`);
  }
  if (res.status === 401 || res.status === 403) {
    throw new CheckError(
      `${url} refused the API key (HTTP ${res.status}). Use a key with the "metrics:read" or "checkout" scope (opsdeck apikey create --scope metrics:read).`,
    );
  }
  if (!res.ok) throw new CheckError(`${url} answered HTTP ${res.status}; no thresholds were checked. Look at that endpoint's logs.`);
  try {
    return await res.json();
  } catch {
    throw new CheckError(`${url} did not answer JSON; is --base-url pointing at Opsdeck?`);
  }
}

function formatValue(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(4).replace(/0+$/, "");
}

/** The endpoint of a domain with the query parameters its chosen settings ask for. */
function endpointFor(domain: Domain, limits: Record<string, number>): string {
  const params = new URLSearchParams();
  for (const t of THRESHOLDS) {
    if (t.domain === domain && t.kind === "setting" && t.queryParam && limits[t.flag] !== undefined) params.set(t.queryParam, String(limits[t.flag]));
  }
  const query = params.toString();
  return query ? `${ENDPOINTS[domain]}?${query}` : ENDPOINTS[domain];
}

/** Runs the check, writing the table to `write`; resolves to the exit code. */
export async function checkObservability(opts: CheckOptions, write: (line: string) => void): Promise<number> {
  const chosen = THRESHOLDS.filter((t) => opts.limits[t.flag] !== undefined && t.kind !== "setting");
  if (chosen.length === 0) throw new CheckError(`Give at least one threshold, e.g. --max-fulfillment-dead-lettered 0 (available: ${availableFlags().join(", ")}).`);
  const bodies = new Map<Domain, unknown>();
  for (const domain of new Set(chosen.map((t) => t.domain))) {
    bodies.set(domain, await fetchJson(opts.baseUrl, endpointFor(domain, opts.limits), opts.apiKey, opts.timeoutMs ?? 10_000));
  }
  const rows: string[][] = [];
  let breaches = 0;
  for (const t of chosen) {
    const raw = pick(bodies.get(t.domain), t.path!);
    const limitText = `${t.kind === "max" ? "≤" : "≥"} ${formatValue(opts.limits[t.flag])}`;
    if (raw === null && t.nullMeans) {
      rows.push([t.label, "-", limitText, t.nullMeans]);
      continue;
    }
    if (typeof raw !== "number" || !Number.isFinite(raw)) {
      throw new CheckError(`${ENDPOINTS[t.domain]} has no numeric ${t.path!.join(".")} (got ${JSON.stringify(raw)}); the endpoint and this checker disagree on the payload.`);
    }
    const limit = opts.limits[t.flag];
    const breach = t.kind === "max" ? raw > limit : raw < limit;
    if (breach) breaches++;
    rows.push([t.label, formatValue(raw), limitText, breach ? "BREACH" : "ok"]);
  }
  const table = [["THRESHOLD", "VALUE", "LIMIT", "VERDICT"], ...rows];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => [...r[c]].length)));
  for (const r of table) write(r.map((cell, c) => (c === 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd());
  const unjudged = rows.filter((r) => r[3] !== "ok" && r[3] !== "BREACH").length;
  const judged = rows.length - unjudged;
  const skipped = unjudged ? ` ${unjudged} not judged (too little data).` : "";
  if (breaches) write(`${breaches} of ${judged} threshold(s) breached.${skipped}`);
  else if (judged) write(`All ${judged} threshold(s) within limits.${skipped}`);
  else write(`No threshold could be judged:${skipped}`);
  return breaches ? 1 : 0;
}

function availableFlags(): string[] {
  return THRESHOLDS.filter((t) => t.kind !== "setting").map((t) => `--${t.flag}`);
}

function parseLimit(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`--${flag} needs a number ≥ 0.`);
    return n;
  };
}

export function registerCheck(program: Command): void {
  const check = program.command("check").description("Check live figures against thresholds (for CI and smoke tests)");
  const cmd = check
    .command("observability")
    .description("Read the observability endpoints and fail (exit 1) on any breached threshold; exit 2 when the check cannot run")
    .requiredOption("--base-url <url>", "Opsdeck's base URL, e.g. https://opsdeck.example.com")
    .option("--api-key <key>", "API key with the metrics:read or checkout scope (default: $OPSDECK_API_KEY, then $CHECKOUT_API_KEY)")
    .option("--timeout <seconds>", "HTTP timeout per endpoint", "10");
  for (const t of THRESHOLDS) {
    const what = t.kind === "setting" ? t.label : `${t.kind === "max" ? "maximum" : "minimum"} ${t.label}`;
    cmd.option(`--${t.flag} <n>`, what, parseLimit(t.flag));
  }
  cmd.action(async (opts: Record<string, string | number | undefined>) => {
    try {
      const apiKey = (opts.apiKey as string | undefined) ?? process.env.OPSDECK_API_KEY ?? process.env.CHECKOUT_API_KEY;
      if (!apiKey) throw new CheckError("Give --api-key or set OPSDECK_API_KEY (a key with the metrics:read or checkout scope).");
      const limits: Record<string, number> = {};
      for (const t of THRESHOLDS) if (opts[camel(t.flag)] !== undefined) limits[t.flag] = opts[camel(t.flag)] as number;
      const code = await checkObservability(
        { baseUrl: String(opts.baseUrl), apiKey, limits, timeoutMs: Number(opts.timeout) * 1000 },
        (line) => process.stdout.write(`${line}\n`),
      );
      process.exit(code);
    } catch (err) {
      if (!(err instanceof CheckError)) throw err;
      process.stderr.write(`opsdeck check observability: ${err.message}\n`);
      process.exit(2);
    }
  });
}
