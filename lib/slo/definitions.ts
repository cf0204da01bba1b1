// Loads and validates the SLO definitions in slo/*.yaml (OpenSLO v1 shape, ratio SLIs only).
import fs from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { budgetPpm, parseDuration } from "./math";
import { SLI_QUERIES } from "./slis";

const metricSource = z.object({
  metricSource: z.object({
    type: z.literal("opsdeck-sql"),
    spec: z.object({ query: z.string(), thresholdSeconds: z.number().positive().optional() }).strict(),
  }),
});

export const sloSchema = z.object({
  apiVersion: z.literal("openslo/v1"),
  kind: z.literal("SLO"),
  metadata: z.object({
    name: z.string().regex(/^[a-z][a-z0-9-]*[a-z0-9]$/, "SLO names are lowercase words joined by '-'"),
    displayName: z.string().min(1),
    annotations: z.record(z.string(), z.string()).default({}),
  }),
  spec: z.object({
    description: z.string().min(1),
    service: z.string().min(1),
    budgetingMethod: z.literal("Occurrences"),
    timeWindow: z
      .array(z.object({ duration: z.enum(["28d", "30d", "4w"]), isRolling: z.literal(true) }))
      .length(1, "exactly one rolling timeWindow (28d or 30d)"),
    indicator: z.object({
      metadata: z.object({ name: z.string().min(1) }),
      spec: z.object({ ratioMetric: z.object({ counter: z.literal(true), good: metricSource, total: metricSource }) }),
    }),
    objectives: z.array(z.object({ displayName: z.string().min(1), target: z.number().gt(0).lt(1) })).length(1, "exactly one objective"),
  }),
});

export type SloDocument = z.infer<typeof sloSchema>;

export interface SliRef {
  query: string;
  thresholdSeconds: number | null;
}

export interface SloDefinition {
  name: string;
  displayName: string;
  description: string;
  service: string;
  objective: string;
  target: number;
  windowSeconds: number;
  windowLabel: string;
  good: SliRef;
  total: SliRef;
  /** Minimum events in an alert's long window before it may fire (annotation opsdeck.io/min-events). */
  minEvents: number;
  document: SloDocument;
}

export const SLO_DIR = "slo";
const DEFAULT_MIN_EVENTS = 20;

function sliRef(where: string, src: z.infer<typeof metricSource>): SliRef {
  const { query, thresholdSeconds } = src.metricSource.spec;
  const q = SLI_QUERIES[query];
  if (!q) throw new Error(`${where}: unknown query "${query}" (known: ${Object.keys(SLI_QUERIES).join(", ")}).`);
  if (q.needsThreshold && thresholdSeconds === undefined) throw new Error(`${where}: query "${query}" needs thresholdSeconds.`);
  if (!q.needsThreshold && thresholdSeconds !== undefined) throw new Error(`${where}: query "${query}" takes no thresholdSeconds.`);
  if (q.thresholds && thresholdSeconds !== undefined && !q.thresholds.includes(thresholdSeconds)) {
    throw new Error(`${where}: query "${query}" answers thresholdSeconds ${q.thresholds.join(", ")} only (got ${thresholdSeconds}).`);
  }
  return { query, thresholdSeconds: thresholdSeconds ?? null };
}

export function parseSlo(text: string, where: string): SloDefinition {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new Error(`${where} is not valid YAML: ${(err as Error).message}`);
  }
  const r = sloSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(`${where} is not a valid SLO: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const doc = r.data;
  const minText = doc.metadata.annotations["opsdeck.io/min-events"];
  const minEvents = minText === undefined ? DEFAULT_MIN_EVENTS : Number(minText);
  if (!Number.isInteger(minEvents) || minEvents < 0) throw new Error(`${where}: annotation opsdeck.io/min-events must be a whole number ≥ 0.`);
  const ratio = doc.spec.indicator.spec.ratioMetric;
  const target = doc.spec.objectives[0].target;
  budgetPpm(target); // rejects targets finer than 1 ppm that round to 0 or 1
  const windowLabel = doc.spec.timeWindow[0].duration;
  return {
    name: doc.metadata.name,
    displayName: doc.metadata.displayName,
    description: doc.spec.description.trim(),
    service: doc.spec.service,
    objective: doc.spec.objectives[0].displayName,
    target,
    windowSeconds: parseDuration(windowLabel),
    windowLabel,
    good: sliRef(`${where} good`, ratio.good),
    total: sliRef(`${where} total`, ratio.total),
    minEvents,
    document: doc,
  };
}

function sloDir(): string {
  return path.resolve(process.env.OPSDECK_ROOT ?? process.cwd(), SLO_DIR);
}

let cache: { key: string; slos: SloDefinition[] } | undefined;

/** Every SLO in slo/*.yaml, sorted by name; re-read when a file changes. Throws on any invalid file. */
export function loadSlos(): SloDefinition[] {
  const dir = sloDir();
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const key = files.map((f) => `${f}:${fs.statSync(path.join(dir, f)).mtimeMs}`).join("|");
  if (cache?.key === key) return cache.slos;
  const slos = files.map((f) => parseSlo(fs.readFileSync(path.join(dir, f), "utf8"), `${SLO_DIR}/${f}`));
  const seen = new Set<string>();
  for (const s of slos) {
    if (seen.has(s.name)) throw new Error(`Two SLO files define "${s.name}"; names must be unique.`);
    seen.add(s.name);
  }
  slos.sort((a, b) => a.name.localeCompare(b.name));
  cache = { key, slos };
  return slos;
}

export function findSlo(name: string): SloDefinition | undefined {
  return loadSlos().find((s) => s.name === name);
}
