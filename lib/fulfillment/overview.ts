// The fulfillment tile on the overview: dead letters first (work that needs an operator), then a
// stalled queue, then throughput.
import { pool } from "@/lib/platform/db";
import { plural, type OverviewTileSource } from "@/lib/platform/overview";
import { outcomeTotals, queueState } from "./stats";
import { fulfillmentSignals } from "./signals";

const STALLED_SECONDS = 600; // FulfillmentQueueStalled's threshold (alerting/rules.yaml)

export const fulfillmentTile: OverviewTileSource = {
  area: "fulfillment",
  title: "Fulfillment",
  href: "/fulfillment",
  async load() {
    const now = new Date();
    const signal = (name: string) => fulfillmentSignals.find((s) => s.name === name)!.evaluate({ now, pool: pool() }, 300);
    const [queue, last15, deadNow, oldest] = await Promise.all([
      queueState(),
      outcomeTotals(undefined, 15),
      pool().query<{ n: string }>(`select count(*)::text as n from fulfillment_tasks where status = 'dead_lettered'`),
      signal("fulfillment_oldest_pending_age"),
    ]);
    const dead = Number(deadNow.rows[0]?.n ?? 0);
    const flow = `${plural(queue.pending, "task")} queued · ${last15.succeeded.toLocaleString("en")} done in 15 min`;
    if ((oldest ?? 0) > STALLED_SECONDS) {
      return { status: "bad", headline: `Queue stalled ${Math.round(oldest! / 60)} min`, detail: `${plural(dead, "dead letter")} · ${flow}` };
    }
    if (last15.dead_lettered > 0) return { status: "bad", headline: `${plural(last15.dead_lettered, "dead letter")} in 15 min`, detail: `${dead.toLocaleString("en")} waiting · ${flow}` };
    if (dead > 0) return { status: "warn", headline: `${plural(dead, "dead letter")} waiting`, detail: flow };
    return { status: "good", headline: `${last15.succeeded.toLocaleString("en")} done in 15 min`, detail: `${plural(queue.pending, "task")} queued · no dead letters` };
  },
};
