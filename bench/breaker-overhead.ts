// Decision overhead of the shared circuit breaker (lib/platform/breakers) with its state in
// PostgreSQL: the time execute() adds around a call that does nothing, per call, one caller at a
// time. Closed (the hot path: cached state, cockatiel timeout), open (refused from the cached
// state), and — to show what the cache buys — closed with every call re-reading the state.
// Then the staleness bound: how long until another process's cache sees a transition, through
// LISTEN/NOTIFY and, with LISTEN off, through the cache TTL alone. Aim: ≤ 1 ms p99 per call.
// Run: npm run bench:breakers   (env: BENCH_DATABASE_URL, BENCH_CALLS, BENCH_FLIPS)
import pg from "pg";
import { benchUrl, ensureOpsdeckDatabase, intEnv, machine, printJson, printTable, round, siblingUrl, sleep, summarize } from "./lib/common";

const CALLS = intEnv("BENCH_CALLS", 50_000);
const FLIPS = intEnv("BENCH_FLIPS", 40);
const AIM_P99_MS = 1;

const url = siblingUrl(benchUrl(), "breakers");
process.env.LOG_LEVEL ??= "silent";

const noop = async () => 1;

async function timeCalls(call: () => Promise<unknown>, n: number): Promise<number[]> {
  for (let i = 0; i < Math.min(2_000, n); i++) await call().catch(() => {}); // warm-up
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call().catch(() => {});
    out[i] = performance.now() - t0;
  }
  return out;
}

async function main() {
  await ensureOpsdeckDatabase(url);
  const { sharedBreaker, stopBreakerListener, CircuitOpenError } = await import("@/lib/platform/breakers");
  const store = await import("@/lib/platform/breakers/store");
  const run = Date.now().toString(36);
  const settings = { failureThreshold: 5, openCooldownSeconds: 3600, halfOpenProbeCount: 1, failureWindowSeconds: 60 };
  const poolA = new pg.Pool({ connectionString: url, max: 4 });
  const poolB = new pg.Pool({ connectionString: url, max: 4 });
  const env = await machine(url);

  const closed = sharedBreaker(poolA, `bench-${run}-closed`, settings);
  const uncached = sharedBreaker(poolB, `bench-${run}-uncached`, settings, { cacheTtlMs: 0 });
  const open = sharedBreaker(poolA, `bench-${run}-open`, settings);
  for (let i = 0; i < settings.failureThreshold; i++) await open.execute(() => Promise.reject(new Error("down"))).catch(() => {});
  if ((await open.state()).state !== "open") throw new Error("the open breaker did not open");
  if (!((await open.execute(noop).catch((e) => e)) instanceof CircuitOpenError)) throw new Error("the open breaker let a call through");

  // Interleave rounds so a burst of load on the shared machine hits every configuration alike.
  const series: Record<string, number[]> = { bare: [], closed: [], open: [], uncached: [] };
  const ROUNDS = 5;
  for (let r = 0; r < ROUNDS; r++) {
    series.bare.push(...(await timeCalls(noop, CALLS / ROUNDS)));
    series.closed.push(...(await timeCalls(() => closed.execute(noop), CALLS / ROUNDS)));
    series.open.push(...(await timeCalls(() => open.execute(noop), CALLS / ROUNDS)));
    series.uncached.push(...(await timeCalls(() => uncached.execute(noop), Math.min(CALLS, 5_000) / ROUNDS)));
  }
  const bare = summarize(series.bare);
  const rows = (
    [
      ["bare call (no breaker)", "bare"],
      ["closed, cached state (hot path)", "closed"],
      ["open, cached state (refused)", "open"],
      ["closed, state re-read every call (cache TTL 0)", "uncached"],
    ] as const
  ).map(([what, key]) => {
    const s = summarize(series[key]);
    return {
      configuration: what,
      calls: s.n,
      "p50 µs": round(s.p50 * 1000, 1),
      "p99 µs": round(s.p99 * 1000, 1),
      "max ms": round(s.max, 2),
      "added p99 µs": key === "bare" ? "—" : round((s.p99 - bare.p99) * 1000, 1),
    };
  });
  printTable(rows);

  // Staleness: process B (its own pool, cache and LISTEN connection) calls in a loop while process
  // A opens the shared breaker; the delay is from A's commit to B's first refused call.
  async function staleness(listen: boolean, cacheTtlMs: number): Promise<number[]> {
    const delays: number[] = [];
    for (let i = 0; i < FLIPS; i++) {
      const name = `bench-${run}-flip-${listen ? "notify" : "ttl"}-${i}`;
      const b = sharedBreaker(poolB, name, { ...settings, failureThreshold: 1 }, { listen, cacheTtlMs });
      await b.execute(noop);
      await sleep(listen ? 30 : 5);
      let openedAt = 0;
      const seen = (async () => {
        for (;;) {
          const r = await b.execute(noop).catch((e) => e);
          if (r instanceof CircuitOpenError) return performance.now();
          await new Promise((res) => setImmediate(res));
        }
      })();
      await store.recordFailure(poolA, name, "bench: opened by process A");
      openedAt = performance.now();
      delays.push(Math.max(0, (await seen) - openedAt));
    }
    return delays;
  }
  await stopBreakerListener(poolA);
  const viaNotify = summarize(await staleness(true, 1_000));
  await stopBreakerListener(poolB); // from here on, only the TTL can tell B
  const viaTtl = summarize(await staleness(false, 250));
  const staleRows = [
    { path: "LISTEN/NOTIFY (default, TTL 1 s)", flips: viaNotify.n, "p50 ms": round(viaNotify.p50, 2), "p99 ms": round(viaNotify.p99, 2), "max ms": round(viaNotify.max, 2) },
    { path: "TTL only (LISTEN off, TTL 250 ms)", flips: viaTtl.n, "p50 ms": round(viaTtl.p50, 2), "p99 ms": round(viaTtl.p99, 2), "max ms": round(viaTtl.max, 2) },
  ];
  printTable(staleRows);

  const closedP99 = summarize(series.closed).p99 - bare.p99;
  const openP99 = summarize(series.open).p99 - bare.p99;
  const verdict = Math.max(closedP99, openP99) <= AIM_P99_MS ? "MET" : "NOT MET";
  console.log(`aim: decision overhead ≤ ${AIM_P99_MS} ms p99 per call (closed and open) — ${verdict} (closed +${round(closedP99 * 1000, 1)} µs, open +${round(openP99 * 1000, 1)} µs)`);
  await Promise.all([poolA.end(), poolB.end()]);
  printJson("breaker-overhead", { machine: env, overhead: rows, staleness: staleRows, verdict });
  process.exit(verdict === "MET" ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
