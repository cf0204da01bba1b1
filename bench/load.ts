// Load suite: BENCH_SECONDS of mixed traffic at BENCH_RATE requests/s against real app instances
// (`bin/opsdeck start`, production build, demo mode so the simulators run underneath) on one
// PostgreSQL: reads of every panel's API, enqueues, scrapes and sign-ins, each at its share of the
// rate (autocannon, one instance per request kind, so latency is per route). Reports p50/p99 per
// route, errors and non-2xx (goal 0), and the app processes' RSS at start and end (goal growth
// < 10 %). BENCH_INSTANCES=2 starts two instances and splits every kind of traffic between them.
// Needs a production build (`npx next build`). Run: npm run bench:load
// Env: BENCH_DATABASE_URL (default: the machine's PostgreSQL, database opsdeck_load), BENCH_RATE,
// BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_INSTANCES, BENCH_APP_PORT, BENCH_KINDS.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import autocannon from "autocannon";
import { ensureOpsdeckDatabase, intEnv, machine, printJson, printTable, round, sleep } from "./lib/common";

const RATE = intEnv("BENCH_RATE", 500);
const SECONDS = intEnv("BENCH_SECONDS", 60);
const INSTANCES = intEnv("BENCH_INSTANCES", 1);
const BASE_PORT = intEnv("BENCH_APP_PORT", 3291);
/** The same mix is run this long before measuring, so RSS at "start" is after the JIT and caches settle. */
const WARMUP_SECONDS = intEnv("BENCH_WARMUP_SECONDS", 20);
/** Connections per request kind = its rate × this: enough for its share even at this latency. */
const LATENCY_BUDGET_SECONDS = 1;
const URL_ = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/opsdeck_load";
const ADMIN = { email: "admin@opsdeck.local", password: "admin-demo-password" };

interface Kind {
  name: string;
  /** share of the total rate */
  weight: number;
  method?: "GET" | "POST";
  path: string;
  auth: "session" | "scrape" | "checkout" | "none";
  body?: () => string;
}

// One entry per kind of traffic; new domains add their panel APIs here. BENCH_KINDS (names, comma
// separated) runs a subset at its share of BENCH_RATE, to study one kind alone.
const ALL_KINDS: Kind[] = [
  { name: "overview", weight: 6, path: "/api/v1/overview", auth: "session" },
  { name: "fulfillment panel", weight: 6, path: "/api/v1/fulfillment/panel?window=1h", auth: "session" },
  { name: "dead letters", weight: 5, path: "/api/v1/fulfillment/dead-letters?limit=50", auth: "session" },
  { name: "dead-letter groups", weight: 3, path: "/api/v1/fulfillment/dead-letters/groups", auth: "session" },
  { name: "alerts", weight: 6, path: "/api/v1/alerts", auth: "session" },
  { name: "SLOs", weight: 3, path: "/api/v1/slos", auth: "session" },
  { name: "audit", weight: 3, path: "/api/v1/audit", auth: "session" },
  { name: "payments panel", weight: 4, path: "/api/v1/payments/panel", auth: "session" },
  { name: "catalog insights", weight: 4, path: "/api/v1/catalog/insights?window=7d", auth: "session" },
  { name: "whatsapp panel", weight: 4, path: "/api/v1/whatsapp/panel", auth: "session" },
  { name: "reconciliation panel", weight: 4, path: "/api/v1/reconciliation/panel", auth: "session" },
  { name: "circuit breakers", weight: 4, path: "/api/v1/reconciliation/breakers", auth: "session" },
  { name: "fulfillment observability", weight: 8, path: "/api/v1/fulfillment/observability", auth: "scrape" },
  { name: "payments observability", weight: 4, path: "/api/v1/payments/observability", auth: "scrape" },
  { name: "whatsapp metrics (JSON)", weight: 4, path: "/metrics/whatsapp", auth: "scrape" },
  { name: "Prometheus scrape", weight: 2, path: "/metrics", auth: "scrape" },
  { name: "readyz", weight: 6, path: "/api/readyz", auth: "none" },
  { name: "catalog search", weight: 12, path: "/api/v1/catalog/search?q=hoodie", auth: "checkout" },
  {
    name: "enqueue",
    weight: 20,
    method: "POST",
    path: "/api/v1/fulfillment/tasks",
    auth: "checkout",
    body: () => JSON.stringify({ task_type: "noop", payload: { load: true } }),
  },
  // Sign-ins are scrypt hashes (~50 ms of CPU each by design): a trickle, as in real life.
  { name: "sign-in", weight: 1, method: "POST", path: "/api/auth/callback/credentials", auth: "none" },
];
const ONLY = process.env.BENCH_KINDS?.split(",").map((k) => k.trim());
const KINDS = ONLY ? ALL_KINDS.filter((k) => ONLY.includes(k.name)) : ALL_KINDS;
if (KINDS.length === 0) throw new Error(`BENCH_KINDS matches no kind; use: ${ALL_KINDS.map((k) => k.name).join(", ")}`);

function rssKiB(pid: number): number {
  // The launcher's whole process tree: the launcher and `next start` with its children.
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    const children = fs.existsSync(`/proc/${tree[i]}/task/${tree[i]}/children`) ? fs.readFileSync(`/proc/${tree[i]}/task/${tree[i]}/children`, "utf8").trim() : "";
    tree.push(...children.split(/\s+/).filter(Boolean).map(Number));
  }
  return tree.reduce((sum, p) => {
    const m = /VmRSS:\s+(\d+)/.exec(fs.existsSync(`/proc/${p}/status`) ? fs.readFileSync(`/proc/${p}/status`, "utf8") : "");
    return sum + (m ? Number(m[1]) : 0);
  }, 0);
}

async function waitReady(base: string) {
  const started = performance.now();
  for (;;) {
    const res = await fetch(`${base}/api/readyz`).catch(() => null);
    if (res?.status === 200) return;
    if (performance.now() - started > 300_000) throw new Error(`${base} never became ready; is there a production build (npx next build)?`);
    await sleep(1_000);
  }
}

/** A session cookie through next-auth's raw endpoint, as a script signs in. */
async function signIn(base: string): Promise<{ cookie: string; form: (csrf?: boolean) => Promise<{ body: string; cookie: string }> }> {
  const csrf = async () => {
    const res = await fetch(`${base}/api/auth/csrf`);
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    return { body: new URLSearchParams({ ...ADMIN, csrfToken }).toString(), cookie };
  };
  const { body, cookie } = await csrf();
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body,
  });
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => /session-token=/.test(c));
  if (!session) throw new Error(`signing in to ${base} gave no session cookie (HTTP ${res.status})`);
  return { cookie: session, form: csrf };
}

async function apiKey(url: string, scope: string): Promise<string> {
  // Through the CLI, as an operator would.
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn("bin/opsdeck", ["apikey", "create", "--name", `load-${scope}-${Date.now()}`, "--scope", scope], { env: { ...process.env, DATABASE_URL: url } });
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`apikey create exited ${code}`))));
  });
  const key = /opsk_\w{8}_[\w-]{43}/.exec(out)?.[0];
  if (!key) throw new Error(`no key in: ${out}`);
  return key;
}

/** Resolves to whether the run met its aims. */
async function main(): Promise<boolean> {
  await ensureOpsdeckDatabase(URL_);
  const instances: { base: string; child: ChildProcess }[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    const port = BASE_PORT + i;
    const child = spawn("bin/opsdeck", ["start", "-p", String(port), "-H", "127.0.0.1"], {
      env: {
        ...process.env,
        DATABASE_URL: URL_,
        OPSDECK_DEMO: "true",
        AUTH_SECRET: "load-bench-secret-0123456789abcdef",
        LOG_LEVEL: "error",
        FULFILLMENT_WORKER_ENABLED: "true",
        // The demo's simulated tenant traffic runs once per deployment, as a real tenant's would
        // arrive once, not once per instance: only the first instance simulates.
        OPSDECK_SIMULATOR: i === 0 ? "true" : "false",
      },
      stdio: "ignore",
    });
    instances.push({ base: `http://127.0.0.1:${port}`, child });
  }
  try {
    await Promise.all(instances.map((i) => waitReady(i.base)));
    const [scrapeKey, checkoutKey] = [await apiKey(URL_, "metrics:read"), await apiKey(URL_, "checkout")];
    const sessions = await Promise.all(instances.map((i) => signIn(i.base)));
    const totalWeight = KINDS.reduce((s, k) => s + k.weight, 0);
    const drive = (seconds: number) =>
      Promise.all(
        KINDS.flatMap((kind) =>
          instances.map(async (inst, n) => {
            const headers: Record<string, string> = {};
            if (kind.auth === "session") headers.cookie = sessions[n].cookie;
            if (kind.auth === "scrape") headers.authorization = `Bearer ${scrapeKey}`;
            if (kind.auth === "checkout") headers.authorization = `Bearer ${checkoutKey}`;
            let body = kind.body?.();
            if (kind.name === "sign-in") {
              const form = await sessions[n].form();
              headers.cookie = form.cookie;
              headers["content-type"] = "application/x-www-form-urlencoded";
              body = form.body;
            } else if (body) headers["content-type"] = "application/json";
            const rate = Math.max(1, Math.round((RATE * kind.weight) / totalWeight / instances.length));
            const result = await autocannon({
              url: `${inst.base}${kind.path}`,
              method: kind.method ?? "GET",
              headers,
              body,
              connections: Math.max(2, Math.ceil(rate * LATENCY_BUDGET_SECONDS)),
              overallRate: rate,
              duration: seconds,
            });
            return { kind: kind.name, result };
          }),
        ),
      );
    if (WARMUP_SECONDS > 0) {
      console.log(`warm-up: the same mix for ${WARMUP_SECONDS} s (not measured)`);
      await drive(WARMUP_SECONDS);
    }
    const rssStart = instances.map((i) => rssKiB(i.child.pid!));
    console.log(`load: ${RATE} req/s for ${SECONDS} s over ${instances.length} instance(s), ${KINDS.length} kinds of request`);
    const runs = await drive(SECONDS);
    const rssEnd = instances.map((i) => rssKiB(i.child.pid!));

    const byKind = new Map<string, autocannon.Result[]>();
    for (const r of runs) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r.result]);
    const rows = [...byKind.entries()].map(([kind, results]) => {
      const sum = (f: (r: autocannon.Result) => number) => results.reduce((s, r) => s + f(r), 0);
      // Sign-in answers 302 (a redirect to the console) by design; every other kind must be 2xx.
      const bad = kind === "sign-in" ? sum((r) => r.errors + r.timeouts + r["4xx"] + r["5xx"]) : sum((r) => r.errors + r.timeouts + r.non2xx);
      return {
        route: kind,
        requests: sum((r) => r.requests.total),
        "req/s": round(sum((r) => r.requests.average), 1),
        "p50 ms": round(Math.max(...results.map((r) => r.latency.p50)), 1),
        "p99 ms": round(Math.max(...results.map((r) => r.latency.p99)), 1),
        "errors + non-2xx": bad,
        // What "bad" was made of: no answer within autocannon's 10 s, a socket error, or the status codes.
        detail: [
          sum((r) => r.timeouts) ? `${sum((r) => r.timeouts)} timeouts` : "",
          sum((r) => r.errors - r.timeouts) ? `${sum((r) => r.errors - r.timeouts)} socket errors` : "",
          ...Object.entries(results.reduce<Record<string, number>>((acc, r) => {
            for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) if (!code.startsWith("2")) acc[code] = (acc[code] ?? 0) + (stat?.count ?? 0);
            return acc;
          }, {})).map(([code, n]) => `${n}× ${code}`),
        ].filter(Boolean).join(", "),
      };
    });
    printTable(rows);
    const total = rows.reduce((s, r) => s + r.requests, 0);
    const errors = rows.reduce((s, r) => s + r["errors + non-2xx"], 0);
    const growth = rssEnd.map((end, i) => (end - rssStart[i]) / rssStart[i]);
    for (const [i, g] of growth.entries()) console.log(`instance ${i + 1}: RSS ${round(rssStart[i] / 1024, 0)} MiB → ${round(rssEnd[i] / 1024, 0)} MiB (${round(g * 100, 1)} %)`);
    const achieved = total / SECONDS;
    const ok = errors === 0 && growth.every((g) => g < 0.1) && achieved >= RATE * 0.95;
    console.log(`${total} requests (${round(achieved, 0)} req/s of ${RATE} asked), ${errors} errors or non-2xx → ${ok ? "MET" : "NOT MET"}`);
    printJson("load", { machine: await machine(URL_), rate: RATE, seconds: SECONDS, instances: INSTANCES, achieved, errors, rows, rssStartKiB: rssStart, rssEndKiB: rssEnd });
    return ok;
  } finally {
    for (const i of instances) i.child.kill("SIGTERM");
    await Promise.all(instances.map((i) => new Promise((r) => (i.child.exitCode !== null ? r(null) : i.child.on("exit", r)))));
  }
}

// An explicit exit status: a run that was NOT MET once exited 0 with only process.exitCode set.
main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
