// Bucket bounds (seconds) of reconciliation_attempt_duration_seconds, shared with the attempt-latency
// SLI so an SLO threshold is always one of them. No server-only: the SLO definitions read it.
export const ATTEMPT_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
