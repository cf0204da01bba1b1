// The WhatsApp tile on the overview: offline collectors and extraction errors first (offers are
// being lost), then refused batches (auth or rate limit); the signals of the WhatsApp alert rules.
import { plural, signalValues, type OverviewTileSource } from "@/lib/platform/overview";
import { whatsappSignals } from "./signals";

const WINDOW_SECONDS = 300;

export const whatsappTile: OverviewTileSource = {
  area: "whatsapp",
  title: "WhatsApp ingest",
  href: "/whatsapp",
  async load() {
    const v = await signalValues(
      whatsappSignals,
      ["whatsapp_collectors_offline", "whatsapp_extraction_error_ratio", "whatsapp_auth_rejections", "whatsapp_rate_limited"],
      WINDOW_SECONDS,
    );
    const offline = v.whatsapp_collectors_offline;
    const errorRatio = v.whatsapp_extraction_error_ratio;
    const authRejections = v.whatsapp_auth_rejections;
    const rateLimited = v.whatsapp_rate_limited;
    const refused = `${plural(authRejections, "auth failure")} · ${plural(rateLimited, "rate-limited batch", "rate-limited batches")} in 5 min`;
    if (offline > 0) return { status: "bad", headline: `${plural(offline, "collector")} offline`, detail: refused };
    if (errorRatio >= 0.05) return { status: "bad", headline: `${Math.round(errorRatio * 100)} % extraction errors`, detail: refused };
    if (authRejections > 0 || rateLimited > 0) return { status: "warn", headline: `${plural(authRejections + rateLimited, "batch", "batches")} refused in 5 min`, detail: refused };
    return { status: "good", headline: "Collectors online", detail: `no refused batches in 5 min · ${Math.round(errorRatio * 100)} % extraction errors` };
  },
};
