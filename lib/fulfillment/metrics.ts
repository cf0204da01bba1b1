import "server-only";
// Prometheus series for the queue. Labels: task_type (a fixed registry) and outcome (a fixed set).
import { counter, gauge, histogram } from "@/lib/platform/metrics";
import { pool } from "@/lib/platform/db";
import { logger } from "@/lib/platform/logger";

export const tasksProcessed = counter("fulfillment_tasks_processed_total", "Finished task attempts by task type and outcome (succeeded, retried, dead_lettered)", [
  "task_type",
  "outcome",
] as const);

export const taskDuration = histogram("fulfillment_task_duration_seconds", "Handler duration per attempt by task type", ["task_type"] as const, [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
]);

export const loopErrorsTotal = counter("fulfillment_loop_errors_total", "Failures of the worker loop itself (e.g. database unreachable) in this process");

// The gauges read the database on scrape, so every replica reports the same queue-wide figure.
export const queueDepth = gauge("fulfillment_queue_depth", "Tasks waiting to run (pending or retry scheduled), queue-wide", [], async function () {
  try {
    const { rows } = await pool().query<{ n: string }>(`SELECT count(*) AS n FROM fulfillment_tasks WHERE status IN ('pending', 'retry_scheduled')`);
    this.set(Number(rows[0].n));
  } catch (err) {
    logger.warn({ err }, "fulfillment_queue_depth: database unavailable during scrape");
  }
});

export const deadLettered = gauge("fulfillment_dead_lettered", "Tasks currently dead-lettered, queue-wide", [], async function () {
  try {
    const { rows } = await pool().query<{ n: string }>(`SELECT count(*) AS n FROM fulfillment_tasks WHERE status = 'dead_lettered'`);
    this.set(Number(rows[0].n));
  } catch (err) {
    logger.warn({ err }, "fulfillment_dead_lettered: database unavailable during scrape");
  }
});
