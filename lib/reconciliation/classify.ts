// The classifier and trust arithmetic: pure functions of a claim, the platform's figures and the
// validated settings (settings.ts), so the boundary table tests pin exactly what ships.
//
// Per metric the affiliate claimed, ratio = (claimed − observed) / observed:
//   − base_tolerance − growth_allowance ≤ ratio ≤ base_tolerance   → matched (bounds inclusive;
//     the post may have grown since the claim, so under-claims get the growth allowance too)
//   ratio > overclaim_threshold                                     → overclaim (strictly greater)
//   anything else                                                   → discrepancy
// observed = 0: matched when claimed = 0, else an overclaim with an infinite margin.
// The claim's class is its worst metric's (overclaim > discrepancy > matched).
import type { ClassificationSettings } from "./settings";

export const METRICS = ["views", "clicks", "sales"] as const;
export type Metric = (typeof METRICS)[number];
export type Figures = Partial<Record<Metric, number | null>>;

export const CLASSES = ["matched", "discrepancy", "overclaim"] as const;
export type Classification = (typeof CLASSES)[number];
export const TERMINAL_STATUSES = ["matched", "discrepancy", "overclaim", "missing"] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
export const MISSING_REASONS = ["fetch_error", "circuit_open", "not_found", "timeout"] as const;
export type MissingReason = (typeof MISSING_REASONS)[number];
export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const BUCKETS = ["high", "medium", "low", "blocked"] as const;
export type TrustBucket = (typeof BUCKETS)[number];

export interface MetricResult {
  metric: Metric;
  claimed: number;
  observed: number | null;
  /** (claimed − observed) / observed; null when the platform did not report the metric. */
  ratio: number | null;
  class: Classification;
}

export interface ClassifyResult {
  class: Classification;
  metrics: MetricResult[];
  /** The largest overclaim ratio (share above observed); 0 unless overclaim. */
  margin: number;
}

const RANK: Record<Classification, number> = { matched: 0, discrepancy: 1, overclaim: 2 };

export function classifyMetric(claimed: number, observed: number, s: Pick<ClassificationSettings, "base_tolerance" | "growth_allowance" | "overclaim_threshold">): { ratio: number; class: Classification } {
  if (observed === 0) return claimed === 0 ? { ratio: 0, class: "matched" } : { ratio: Number.POSITIVE_INFINITY, class: "overclaim" };
  const ratio = (claimed - observed) / observed;
  if (ratio > s.overclaim_threshold) return { ratio, class: "overclaim" };
  if (ratio <= s.base_tolerance && ratio >= -(s.base_tolerance + s.growth_allowance)) return { ratio, class: "matched" };
  return { ratio, class: "discrepancy" };
}

/**
 * Classifies a claim against the fetched figures. A claimed metric the platform did not report is
 * a discrepancy (the claim cannot be confirmed), never a silent match.
 */
export function classify(claimed: Figures, observed: Figures, s: ClassificationSettings): ClassifyResult {
  const metrics: MetricResult[] = [];
  for (const metric of METRICS) {
    const c = claimed[metric];
    if (c === undefined || c === null) continue;
    const o = observed[metric];
    if (o === undefined || o === null) {
      metrics.push({ metric, claimed: c, observed: null, ratio: null, class: "discrepancy" });
      continue;
    }
    metrics.push({ metric, claimed: c, observed: o, ...classifyMetric(c, o, s) });
  }
  const worst = metrics.reduce<Classification>((w, m) => (RANK[m.class] > RANK[w] ? m.class : w), "matched");
  const margin = worst === "overclaim" ? Math.max(...metrics.filter((m) => m.class === "overclaim").map((m) => m.ratio ?? 0)) : 0;
  return { class: worst, metrics, margin };
}

/** Overclaim severity: the highest threshold the margin reaches (inclusive), else low. */
export function severityFor(margin: number, s: Pick<ClassificationSettings, "severity">): Severity {
  if (margin >= s.severity.critical) return "critical";
  if (margin >= s.severity.high) return "high";
  if (margin >= s.severity.medium) return "medium";
  return "low";
}

export function bucketFor(score: number, s: Pick<ClassificationSettings, "trust">): TrustBucket {
  const b = s.trust.buckets;
  if (score >= b.high) return "high";
  if (score >= b.medium) return "medium";
  if (score >= b.low) return "low";
  return "blocked";
}

/** The new score after a terminal status: the configured delta, clamped to 0–100. */
export function moveTrust(score: number, status: TerminalStatus, s: Pick<ClassificationSettings, "trust">): { score: number; delta: number } {
  const next = Math.min(100, Math.max(0, score + s.trust.deltas[status]));
  return { score: next, delta: next - score };
}

/** Queue priority by trust bucket (lower runs first): low-trust backlogs wait behind everyone else. */
export const PRIORITY_BY_BUCKET: Record<TrustBucket, number> = { high: 0, medium: 1, low: 2, blocked: 3 };

/** JSON-safe form (Infinity is not JSON): an unbounded ratio is stored as null with `unbounded`. */
export function classificationJson(r: ClassifyResult) {
  const finite = (n: number | null) => (n === null || Number.isFinite(n) ? n : null);
  return {
    class: r.class,
    margin: finite(r.margin),
    unbounded: !Number.isFinite(r.margin),
    metrics: r.metrics.map((m) => ({ ...m, ratio: finite(m.ratio), unbounded: m.ratio !== null && !Number.isFinite(m.ratio) })),
  };
}
