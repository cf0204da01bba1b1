import "server-only";
// The incident snapshot (runbook §8 step 2): queue depth, status distribution, missing reasons,
// per-platform attempt health and every platform's breaker state, in one JSON document for the
// incident channel.
import type pg from "pg";
import { panelData, statusCounts } from "./stats";
import { platformBreakerSnapshots } from "./breakers";

export async function incidentSnapshot(p: pg.Pool) {
  const [panel, last5m, last1h, last24h, breakers] = await Promise.all([
    panelData(p, 15),
    statusCounts(p, 300),
    statusCounts(p, 3600),
    statusCounts(p, 86_400),
    platformBreakerSnapshots().then((b) => b.snaps),
  ]);
  return {
    at: new Date().toISOString(),
    queue: { depth: panel.queueDepth, oldestWaitingSeconds: panel.oldestOpenSeconds, workerIdleRatio: panel.idleRatio },
    submissionToFirstAttemptSeconds: panel.latency,
    statusDistribution: { last5m, last1h, last24h },
    platforms: panel.platforms,
    breakers,
  };
}
