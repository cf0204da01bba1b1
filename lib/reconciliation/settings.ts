import "server-only";
// Reconciliation's environment contract. RECONCILIATION_SETTINGS is one JSON object (the seed's
// tunables: tolerances, thresholds, trust deltas, retry schedule, breaker parameters), validated on
// load so a corrupted config fails loudly with the field to fix instead of misclassifying claims.
// Every key is optional; missing keys take the defaults below. Parsed on demand (tests change env).
import { z } from "zod";
import { envFor, envHelpers } from "@/lib/platform/env";
import { reconciliationPlatforms } from "./platforms";

const { bool, int } = envHelpers;
const ratio = z.number().min(0).max(100);
const score = z.number().int().min(0).max(100);

export const classificationSettingsSchema = z
  .object({
    /** |claimed − observed| / observed at or under this: matched. */
    base_tolerance: ratio.default(0.05),
    /** Extra room below the observed figure: posts keep growing after the claim was made. */
    growth_allowance: ratio.default(0.1),
    /** Claimed above observed by more than this share: overclaim (alert); in between: discrepancy. */
    overclaim_threshold: ratio.default(0.2),
    /** Overclaim severity by margin (share above observed): at or above each threshold. */
    severity: z
      .object({ medium: ratio.default(0.5), high: ratio.default(1), critical: ratio.default(3) })
      .strict()
      .default({ medium: 0.5, high: 1, critical: 3 })
      .refine((s) => s.medium <= s.high && s.high <= s.critical, "severity thresholds must ascend: medium ≤ high ≤ critical"),
    trust: z
      .object({
        initial: score.default(60),
        deltas: z
          .object({
            matched: z.number().int().min(-100).max(100).default(1),
            discrepancy: z.number().int().min(-100).max(100).default(-2),
            overclaim: z.number().int().min(-100).max(100).default(-10),
            missing: z.number().int().min(-100).max(100).default(0),
          })
          .strict()
          .default({ matched: 1, discrepancy: -2, overclaim: -10, missing: 0 }),
        /** Lowest score of each bucket; below `low` is blocked. */
        buckets: z
          .object({ high: score.default(80), medium: score.default(50), low: score.default(20) })
          .strict()
          .default({ high: 80, medium: 50, low: 20 })
          .refine((b) => b.high > b.medium && b.medium > b.low, "trust buckets must descend: high > medium > low"),
      })
      .strict()
      .default({ initial: 60, deltas: { matched: 1, discrepancy: -2, overclaim: -10, missing: 0 }, buckets: { high: 80, medium: 50, low: 20 } }),
    /** Wait before attempt n+1 (seconds); its length + 1 is the number of attempts before `missing`. */
    retry_schedule_seconds: z.array(z.number().min(0).max(86_400)).max(20).default([1, 2, 5, 10, 30]),
    /** Per fetch, unless RECONCILIATION_PLATFORM_<NAME>_TIMEOUT_MS says otherwise. */
    fetch_timeout_ms: z.number().int().min(10).max(120_000).default(2_000),
    breaker: z
      .object({
        failure_threshold: z.number().int().min(1).max(1000).default(5),
        open_cooldown_seconds: z.number().min(0.1).max(3600).default(15),
        half_open_probe_count: z.number().int().min(1).max(100).default(1),
        failure_window_seconds: z.number().min(1).max(3600).default(30),
      })
      .strict()
      .default({ failure_threshold: 5, open_cooldown_seconds: 15, half_open_probe_count: 1, failure_window_seconds: 30 }),
  })
  .strict()
  .refine((s) => s.base_tolerance <= s.overclaim_threshold, { message: "base_tolerance must not exceed overclaim_threshold", path: ["base_tolerance"] });

export type ClassificationSettings = z.infer<typeof classificationSettingsSchema>;

const schema = z.object({
  RECONCILIATION_SETTINGS: z.string().optional(),
  RECONCILIATION_WORKER_NAME: z.string().optional(),
  /** Demo claims per second from the simulator (OPSDECK_SIMULATOR). */
  RECONCILIATION_SIMULATOR_RATE_PER_SECOND: z.coerce.number().positive().max(200).default(2),
  RECONCILIATION_SIMULATOR_LATENCY_SCALE: z.coerce.number().min(0).max(10).default(1),
  OPSDECK_DEMO: bool(false),
  OPSDECK_SIMULATOR: bool(false),
  PORT: int(3000),
});

export type ReconciliationEnv = z.infer<typeof schema>;

export function reconciliationEnv(): ReconciliationEnv {
  return envFor("reconciliation", schema);
}

/** Parses RECONCILIATION_SETTINGS-style JSON; throws naming the field and problem. */
export function parseClassificationSettings(json: string | undefined): ClassificationSettings {
  let raw: unknown = {};
  if (json?.trim()) {
    try {
      raw = JSON.parse(json);
    } catch (err) {
      throw new Error(`Invalid RECONCILIATION_SETTINGS: not JSON (${(err as Error).message}). See docs/reconciliation.md for the keys.`);
    }
  }
  const r = classificationSettingsSchema.safeParse(raw);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`Invalid RECONCILIATION_SETTINGS: ${problems}. See docs/reconciliation.md for the keys.`);
  }
  return r.data;
}

let cache: { raw: string | undefined; parsed: ClassificationSettings } | null = null;

export function classificationSettings(): ClassificationSettings {
  const raw = process.env.RECONCILIATION_SETTINGS;
  if (!cache || cache.raw !== raw) cache = { raw, parsed: parseClassificationSettings(raw) };
  return cache.parsed;
}

export interface PlatformConfig {
  name: string;
  /** RECONCILIATION_PLATFORM_<NAME>_URL; null: simulated in demo mode, else unconfigured. */
  baseUrl: string | null;
  timeoutMs: number;
}

export function platformConfig(name: string, s: ClassificationSettings = classificationSettings()): PlatformConfig {
  const key = `RECONCILIATION_PLATFORM_${name.toUpperCase()}`;
  const url = process.env[`${key}_URL`]?.trim() || null;
  if (url && !/^https?:\/\/\S+$/.test(url)) throw new Error(`Invalid ${key}_URL: "${url}" is not an http(s) URL.`);
  const timeout = process.env[`${key}_TIMEOUT_MS`];
  const timeoutMs = timeout ? Number(timeout) : s.fetch_timeout_ms;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 10 || timeoutMs > 120_000) throw new Error(`Invalid ${key}_TIMEOUT_MS: "${timeout}" (an integer 10–120000).`);
  return { name, baseUrl: url ? url.replace(/\/+$/, "") : null, timeoutMs };
}

/** Whether platforms without a URL are simulated in this process (demo, simulator, tests). */
export function simulatedPlatforms(e: ReconciliationEnv = reconciliationEnv()): boolean {
  return e.OPSDECK_DEMO || e.OPSDECK_SIMULATOR;
}

export { reconciliationPlatforms };
