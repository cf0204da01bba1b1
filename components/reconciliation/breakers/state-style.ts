import type { Tone } from "@/components/ui";
import type { BreakerStateName } from "./types";

/** One colour per state everywhere on the panel: closed green, half-open amber, open red. */
export const STATE_STYLE: Record<BreakerStateName, { label: string; tone: Tone; bar: string; border: string }> = {
  closed: { label: "closed", tone: "good", bar: "bg-emerald-400", border: "border-l-emerald-500" },
  half_open: { label: "half-open", tone: "warn", bar: "bg-amber-400", border: "border-l-amber-500" },
  open: { label: "open", tone: "bad", bar: "bg-rose-500", border: "border-l-rose-600" },
};
