import "server-only";
// Demo traffic: six affiliates (seeded once, each with its own API key) submit claims about posts
// on the simulated platforms continuously, through the same domain function the API calls. Two
// are honest, two sloppy, two overclaim now and then (one of them a lot), and a few posts were
// deleted (not_found) — so the console shows matches, discrepancies, overclaim alerts, trust
// moving, and missing claims and open breakers during the platforms' recurring outages.
import { randomInt } from "node:crypto";
import { db, pool } from "@/lib/platform/db";
import { startTicker } from "@/lib/platform/ticker-worker";
import type { WorkerDefinition } from "@/lib/platform/worker-runtime";
import { createAffiliate } from "./affiliates";
import { reconciliationPlatforms } from "./platforms";
import { reconciliationEnv } from "./settings";
import { simulatedFigures } from "./simulated-platform";
import { submitClaim } from "./submissions";

interface Profile {
  name: string;
  /** ± relative noise of an ordinary claim. */
  noise: number;
  /** Share of claims inflated, and by how much (relative, min–max). */
  inflate: { share: number; by: [number, number] };
}

export const DEMO_AFFILIATES: Profile[] = [
  { name: "Northwind Media", noise: 0.02, inflate: { share: 0, by: [0, 0] } },
  { name: "Bluebird Collective", noise: 0.03, inflate: { share: 0.01, by: [0.25, 0.4] } },
  { name: "Kestrel Reviews", noise: 0.1, inflate: { share: 0.03, by: [0.25, 0.6] } },
  { name: "Lumen Creators", noise: 0.12, inflate: { share: 0.05, by: [0.3, 1.2] } },
  { name: "Mirage Ads", noise: 0.05, inflate: { share: 0.25, by: [0.3, 1.5] } },
  { name: "Quickbuck Promotions", noise: 0.05, inflate: { share: 0.6, by: [0.5, 5] } },
];

const pick = <T>(xs: readonly T[]) => xs[randomInt(xs.length)];
const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

/** Creates the demo affiliates that do not exist yet (idempotent; keys are not shown, the simulator submits in-process). */
export async function seedReconciliationDemo(): Promise<void> {
  const existing = new Set((await db().reconciliationAffiliate.findMany({ select: { name: true } })).map((a) => a.name));
  for (const a of DEMO_AFFILIATES) if (!existing.has(a.name)) await createAffiliate({ name: a.name, actor: "system:demo" });
}

export function demoClaim(profile: Profile, platform: string) {
  const deleted = randomInt(100) < 2;
  const postId = `${deleted ? "deleted-" : ""}${platform.slice(0, 2)}${randomInt(1, 20_000)}`;
  const truth = simulatedFigures(platform, postId);
  const factor = Math.random() < profile.inflate.share ? 1 + between(...profile.inflate.by) : 1 + between(-profile.noise, profile.noise);
  const claim = (v: number) => Math.max(0, Math.round(v * factor));
  const end = new Date();
  return {
    platform,
    post_id: postId,
    period: { start: new Date(end.getTime() - 7 * 86_400_000), end },
    claimed: randomInt(3) === 0 ? { views: claim(truth.views), clicks: claim(truth.clicks), sales: claim(truth.sales) } : { views: claim(truth.views), clicks: claim(truth.clicks) },
  };
}

export function startReconciliationSimulator(ratePerSecond: number) {
  let affiliates: { id: string; profile: Profile }[] = [];
  const load = async () => {
    const rows = await db().reconciliationAffiliate.findMany({ where: { name: { in: DEMO_AFFILIATES.map((a) => a.name) } }, select: { id: true, name: true } });
    affiliates = rows.map((r) => ({ id: r.id, profile: DEMO_AFFILIATES.find((a) => a.name === r.name)! }));
  };
  const tick = async () => {
    if (affiliates.length === 0) await load();
    if (affiliates.length === 0) return;
    const a = pick(affiliates);
    await submitClaim(pool(), { affiliateId: a.id }, demoClaim(a.profile, pick(reconciliationPlatforms())));
  };
  return startTicker("reconciliation-simulator", Math.max(5, 1000 / ratePerSecond), tick);
}

export const reconciliationSimulatorDefinition: WorkerDefinition = {
  name: "reconciliation-simulator",
  enabled() {
    const e = reconciliationEnv();
    if (!e.OPSDECK_SIMULATOR) return { enabled: false, reason: "OPSDECK_SIMULATOR is not true (the demo launcher sets it)" };
    return { enabled: true, settings: { ratePerSecond: e.RECONCILIATION_SIMULATOR_RATE_PER_SECOND, platforms: reconciliationPlatforms() } };
  },
  async start() {
    return startReconciliationSimulator(reconciliationEnv().RECONCILIATION_SIMULATOR_RATE_PER_SECOND);
  },
};
