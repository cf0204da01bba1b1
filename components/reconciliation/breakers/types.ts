// The JSON of GET /api/v1/reconciliation/breakers (dates as ISO strings). Client-safe.
export type BreakerStateName = "closed" | "open" | "half_open";

export interface BreakerView {
  name: string;
  state: BreakerStateName;
  forced: boolean;
  failuresInWindow: number;
  failureThreshold: number;
  openCooldownSeconds: number;
  halfOpenProbeCount: number;
  failureWindowSeconds: number;
  openedAt: string | null;
  nextProbeAt: string | null;
  probesLeft: number;
  probesPassed: number;
  lastFailure: string | null;
  updatedAt: string;
}

export interface TransitionView {
  id: string;
  from: BreakerStateName;
  to: BreakerStateName;
  cause: string;
  detail: string | null;
  actor: string | null;
  reason: string | null;
  at: string;
}

export interface BoardView {
  generatedAt: string;
  breakers: { platform: string; breaker: BreakerView; transitions: TransitionView[] }[];
}
