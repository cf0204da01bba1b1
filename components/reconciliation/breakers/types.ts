// The JSON of GET /api/v1/reconciliation/breakers: the platform's types with dates as ISO strings.
// Type-only imports, so this stays client-safe.
import type { BreakerSnapshot, BreakerState, Transition } from "@/lib/platform/breakers/store";

type Jsonified<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

export type BreakerStateName = BreakerState;
export type BreakerView = Jsonified<BreakerSnapshot>;
export type TransitionView = Jsonified<Transition>;

export interface BoardView {
  generatedAt: string;
  breakers: { platform: string; breaker: BreakerView; transitions: TransitionView[] }[];
}
