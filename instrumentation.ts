// Runs once per server process. Starts the enabled background workers (Node runtime only) and
// drains them on SIGTERM before the process exits.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  if (!process.env.DATABASE_URL) return; // `next build` or a misconfigured start: readyz reports it
  const [{ startInProcessWorkers }, { workers }] = await Promise.all([import("./lib/platform/in-process-workers"), import("./lib/domains")]);
  await startInProcessWorkers(workers);
}
