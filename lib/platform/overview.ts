// The overview's tiles: one per area, each from a source the area registers in lib/domains.ts
// (overviewTiles), so a new domain adds its tile without touching the page. A tile answers "is
// anything wrong here" with one headline figure, a status colour and a link to the area.
import type { Signal } from "@/lib/alerting/types";
import { pool } from "./db";

/** The console's badge tones: good, warn (needs a look), bad (act now), neutral (no data). */
export type TileStatus = "good" | "warn" | "bad" | "neutral";

export interface TileState {
  status: TileStatus;
  /** The one figure to read, e.g. "3 dead-lettered". */
  headline: string;
  /** A short line under it: what the status is based on. */
  detail: string;
}

export interface OverviewTileSource {
  /** Stable key (the area's slug). */
  area: string;
  title: string;
  href: string;
  load: () => Promise<TileState>;
}

export interface OverviewTile extends TileState {
  area: string;
  title: string;
  href: string;
}

const TILE_TIMEOUT_MS = 2_000;

/** Every tile, each bounded in time; a tile that fails or times out says so instead of hiding. */
export async function loadTiles(sources: OverviewTileSource[]): Promise<OverviewTile[]> {
  return Promise.all(
    sources.map(async (s) => {
      const base = { area: s.area, title: s.title, href: s.href };
      let timer: NodeJS.Timeout | undefined;
      try {
        const state = await Promise.race([
          s.load(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${TILE_TIMEOUT_MS} ms`)), TILE_TIMEOUT_MS);
          }),
        ]);
        return { ...base, ...state };
      } catch (err) {
        return { ...base, status: "bad" as const, headline: "Unavailable", detail: `Could not load: ${(err as Error).message}. Open the area for details.` };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/**
 * A tile's figures from the same alerting signals (and so the same queries) as its domain's rules,
 * evaluated now over one window; a signal without data reads 0.
 */
export async function signalValues<N extends string>(signals: Signal[], names: readonly N[], windowSeconds: number): Promise<Record<N, number>> {
  const now = new Date();
  const values = await Promise.all(
    names.map(async (name) => {
      const signal = signals.find((s) => s.name === name);
      if (!signal) throw new Error(`unknown signal "${name}"`);
      return (await signal.evaluate({ now, pool: pool() }, windowSeconds)) ?? 0;
    }),
  );
  return Object.fromEntries(names.map((n, i) => [n, values[i]])) as Record<N, number>;
}
