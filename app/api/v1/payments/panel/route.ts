import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { PANEL_WINDOWS, panelSnapshot, type PanelWindow } from "@/lib/payments/stats";

export const dynamic = "force-dynamic";

const query = z.object({ window: z.enum(Object.keys(PANEL_WINDOWS) as [PanelWindow, ...PanelWindow[]]).default("1h") }).strict();

export const GET = route({ route: "/api/v1/payments/panel", sharedRead: true, policy: { session: "read" }, query }, ({ query }) => panelSnapshot(query.window));
