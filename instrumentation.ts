// Runs once per server process. Starts tracing and the enabled background workers (Node runtime
// only) and drains the workers on SIGTERM before the process exits.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  // Tracing first: the pg and http instrumentations patch those modules as they are loaded.
  const { startTracing } = await import("./lib/platform/telemetry/otel");
  await startTracing();
  if (!process.env.DATABASE_URL) return; // `next build` or a misconfigured start: readyz reports it
  const [{ startInProcessWorkers }, { workers }] = await Promise.all([import("./lib/platform/in-process-workers"), import("./lib/domains")]);
  await startInProcessWorkers(workers);
}
