// One "instance" for the multi-process breaker test (concurrency.test.ts): its own pool, cache and
// LISTEN connection. On {go}, it fires calls through the shared breaker for `ms`, `parallel` at a
// time, every call taking `callMs` and failing or succeeding as told; it reports each call that
// actually ran (start/end) and how many were refused.
import pg from "pg";
import { CircuitOpenError, sharedBreaker, stopBreakerListener, type BreakerSettings } from "./index";

interface Go {
  name: string;
  settings: BreakerSettings;
  ms: number;
  parallel: number;
  callMs: number;
  outcome: "fail" | "succeed";
}

process.on("message", async (go: Go) => {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: go.parallel + 2 });
  const b = sharedBreaker(pool, go.name, go.settings);
  await b.state();
  const ran: { start: number; end: number }[] = [];
  let refused = 0;
  let failed = 0;
  const until = Date.now() + go.ms;
  const call = async (): Promise<string> => {
    const start = Date.now();
    await new Promise((r) => setTimeout(r, go.callMs));
    ran.push({ start, end: Date.now() });
    if (go.outcome === "fail") throw new Error("platform down");
    return "ok";
  };
  await Promise.all(
    Array.from({ length: go.parallel }, async () => {
      while (Date.now() < until) {
        try {
          await b.execute(call);
        } catch (err) {
          if (err instanceof CircuitOpenError) {
            refused++;
            await new Promise((r) => setTimeout(r, 2));
          } else failed++;
        }
      }
    }),
  );
  await stopBreakerListener(pool);
  await pool.end();
  process.send!({ ran, refused, failed }, () => process.exit(0));
});
process.send!("ready");
