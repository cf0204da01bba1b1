import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { panelSnapshot } from "@/lib/whatsapp/stats";

export const dynamic = "force-dynamic";

const PANEL_MINUTES = { "15m": 15, "1h": 60, "6h": 360 } as const;

export const GET = route(
  {
    route: "/api/v1/whatsapp/panel", sharedRead: true,
    policy: { session: "read", apiKey: "metrics:read" },
    query: z.object({ window: z.enum(["15m", "1h", "6h"], { error: 'window is one of "15m", "1h", "6h"' }).default("1h") }),
  },
  ({ query }) => panelSnapshot(PANEL_MINUTES[query.window]),
);
