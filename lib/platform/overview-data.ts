import "server-only";
// What the overview shows, shared by its server render (first paint) and GET /api/v1/overview
// (the 5-second refresh), so both always agree.
import { overviewTiles, readinessChecks } from "@/lib/domains";
import { metadata, readiness } from "./health";
import { loadTiles } from "./overview";

export async function overviewTilesData() {
  return { tiles: await loadTiles(overviewTiles), at: new Date().toISOString() };
}

export async function overviewSystemData() {
  const [{ ready, checks }, meta] = await Promise.all([readiness(readinessChecks), Promise.resolve(metadata())]);
  return { ready, checks, meta };
}

export type OverviewTilesData = Awaited<ReturnType<typeof overviewTilesData>>;
export type OverviewSystemData = Awaited<ReturnType<typeof overviewSystemData>>;
