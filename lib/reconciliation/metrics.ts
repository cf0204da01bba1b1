import "server-only";
// Prometheus series for reconciliation (seed §4, with our namespace). Labels are bounded: fixed
// status, severity, bucket and outcome sets, and platforms from RECONCILIATION_PLATFORMS — never
// affiliate names, post ids or submission ids. Queue depth and idle ratio are read from the
// database on scrape, so every replica reports the same cluster-wide value.
import { counter, gauge, histogram } from "@/lib/platform/metrics";
import { pool } from "@/lib/platform/db";
import { logger } from "@/lib/platform/logger";
import { queueDepth, workerIdleRatio } from "./stats";
import { ATTEMPT_BUCKETS_S } from "./attempt-buckets";

export const statusTotal = counter("reconciliation_status_total", "Claims reaching a terminal status: matched, discrepancy, overclaim, missing", ["status"] as const);

export const attemptDuration = histogram(
  "reconciliation_attempt_duration_seconds",
  "One reconciliation attempt (platform fetch through its breaker, classification and writes), by platform and outcome",
  ["platform", "outcome"] as const,
  [...ATTEMPT_BUCKETS_S],
);

export const alertCreatedTotal = counter("reconciliation_alert_created_total", "Risk alerts created, by type (overclaim) and severity", ["type", "severity"] as const);

export const trustBucketTotal = counter("reconciliation_trust_score_bucket_total", "Trust-score updates, by the bucket the affiliate landed in", ["bucket"] as const);

export const submissionsTotal = counter("reconciliation_submissions_total", "Claims accepted by the submission API (202)");

export const queueDepthGauge = gauge("reconciliation_queue_depth", "Claims waiting for a (next) reconciliation attempt: status queued or retrying", [], async function () {
  try {
    this.set(await queueDepth(pool()));
  } catch (err) {
    logger.warn({ err }, "reconciliation_queue_depth: could not read the database");
  }
});

export const workerIdleRatioGauge = gauge(
  "reconciliation_worker_idle_ratio",
  "Share of the live queue workers' task slots not spent on reconciliation attempts over the last minute (1 = idle)",
  [],
  async function () {
    try {
      const r = await workerIdleRatio(pool());
      if (r === null) this.reset();
      else this.set(r);
    } catch (err) {
      logger.warn({ err }, "reconciliation_worker_idle_ratio: could not read the database");
    }
  },
);
