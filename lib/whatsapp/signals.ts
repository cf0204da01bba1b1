// WhatsApp's alerting signals (the seed's five alerts), from the per-minute counters every
// instance writes and the collectors' heartbeats, so they are cluster-wide. Counter windows have
// minute resolution: a window covers the buckets from the one holding (now − window) to now.
import type { Signal, SignalContext } from "@/lib/alerting/types";
import { offlineCollectors } from "./collectors";
import type { TotalName } from "./counters";

async function sumCounters(ctx: SignalContext, names: TotalName[], windowSeconds: number): Promise<number> {
  const { rows } = await ctx.pool.query<{ n: string | null }>(
    `SELECT sum(count)::text AS n FROM whatsapp_counters WHERE name = ANY($1::text[]) AND bucket >= date_trunc('minute', $2::timestamptz) AND bucket <= $3`,
    [names, new Date(ctx.now.getTime() - windowSeconds * 1000), ctx.now],
  );
  return Number(rows[0]?.n ?? 0);
}

export const whatsappSignals: Signal[] = [
  {
    name: "whatsapp_auth_rejections",
    domain: "whatsapp",
    description: "Ingest requests refused with 401 (auth_failures) or 403 (forbidden: bad signature or scope) within the window.",
    unit: "requests",
    evaluate: (ctx, w) => sumCounters(ctx, ["auth_failures", "forbidden"], w),
  },
  {
    name: "whatsapp_rate_limited",
    domain: "whatsapp",
    description: "Ingest requests refused with 429 (rate_limited) within the window.",
    unit: "requests",
    evaluate: (ctx, w) => sumCounters(ctx, ["rate_limited"], w),
  },
  {
    name: "whatsapp_extraction_error_ratio",
    domain: "whatsapp",
    description: "Extraction errors (offer-like messages that failed to parse) / max(messages extracted, 1) within the window.",
    unit: "ratio",
    async evaluate(ctx, w) {
      const [errors, extracted] = await Promise.all([sumCounters(ctx, ["errors"], w), sumCounters(ctx, ["extracted"], w)]);
      return errors / Math.max(extracted, 1);
    },
  },
  {
    name: "whatsapp_media_failures",
    domain: "whatsapp",
    description: "Media that could not be stored (too large, type not allowed, content mismatch, storage error) within the window.",
    unit: "media",
    evaluate: (ctx, w) => sumCounters(ctx, ["media_failed"], w),
  },
  {
    name: "whatsapp_collectors_offline",
    domain: "whatsapp",
    description:
      'Collectors offline now: connection_status other than "open" for over 2 minutes, or no batches_success increase (or no heartbeat) for 10 minutes (WHATSAPP_COLLECTOR_*_SECONDS).',
    unit: "collectors",
    evaluate: (ctx) => offlineCollectors(ctx.pool),
  },
];
