// Small formatters shared by the telemetry pages (client-safe).
export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 100) return `${Math.round(v).toLocaleString("en")} ms`;
  return `${v.toFixed(1)} ms`;
}

export function time(iso: string): string {
  return `${iso.slice(11, 19)} UTC`;
}

export const severityTone = (s: string) => (s === "error" ? "bad" : s === "warning" ? "warn" : "neutral") as "bad" | "warn" | "neutral";
