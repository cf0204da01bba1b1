// Display helpers shared by the alert components (client-safe).
import type { Tone } from "@/components/ui";

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

export function severityTone(s: string): Tone {
  return s === "critical" ? "bad" : s === "warning" ? "warn" : "info";
}

export function stateTone(s: string): Tone {
  return s === "firing" ? "bad" : s === "pending" ? "warn" : s === "error" || s === "nodata" ? "info" : s === "resolved" ? "good" : "neutral";
}

export function fmtValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}
