// `opsdeck verify`'s cache round trip: the SLO status cache (lib/slo/status.ts), read twice.
import { pool } from "@/lib/platform/db";
import { cacheRequests } from "@/lib/platform/telemetry/metrics";
import type { CacheProbe } from "@/lib/platform/telemetry/verify";
import { loadSlos } from "./definitions";
import { cachedStatus } from "./status";

async function hits(): Promise<number> {
  const values = (await cacheRequests.get()).values;
  return values.filter((v) => v.labels.cache === "slo_status" && v.labels.result === "hit").reduce((a, v) => a + v.value, 0);
}

export const sloCacheProbe: CacheProbe = {
  name: "slo_status",
  async roundTrip() {
    const slo = loadSlos()[0];
    if (!slo) throw new Error("no SLO is defined (slo/*.yaml), so the SLO status cache has nothing to hold");
    const before = await hits();
    await cachedStatus(pool(), slo, new Date());
    return { hit: (await hits()) > before };
  },
};
