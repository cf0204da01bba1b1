"use client";
// The rule's signal around the episode, with the threshold and every state change drawn on it.
import { CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

interface Props {
  samples: { at: string; value: number | null }[];
  threshold: number | null;
  events: { at: string; toState: string | null }[];
  firedAt: string | null;
  resolvedAt: string | null;
}

const STATE_COLOR: Record<string, string> = { firing: "#e11d48", pending: "#d97706", resolved: "#059669", inactive: "#64748b", nodata: "#0284c7", error: "#7c3aed" };
const t = (iso: string) => new Date(iso).getTime();
const label = (ms: number) => new Date(ms).toISOString().slice(11, 19);

export function AlertChart({ samples, threshold, events, firedAt, resolvedAt }: Props) {
  if (samples.length === 0) return <p className="py-6 text-center text-sm text-slate-500">No samples recorded for this rule in this period.</p>;
  const data = samples.map((s) => ({ at: t(s.at), value: s.value }));
  const end = data[data.length - 1].at;
  return (
    <div className="h-64 w-full" data-testid="alert-chart">
      <ResponsiveContainer>
        <LineChart data={data} margin={{ top: 10, right: 20, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="at" type="number" scale="time" domain={["dataMin", "dataMax"]} tickFormatter={label} fontSize={11} />
          <YAxis fontSize={11} allowDecimals={false} />
          <Tooltip labelFormatter={(v) => new Date(Number(v)).toISOString()} />
          {firedAt ? <ReferenceArea x1={Math.max(t(firedAt), data[0].at)} x2={resolvedAt ? t(resolvedAt) : end} fill="#fecdd3" fillOpacity={0.4} /> : null}
          {threshold !== null ? <ReferenceLine y={threshold} stroke="#e11d48" strokeDasharray="4 4" label={{ value: `threshold ${threshold}`, fontSize: 10, position: "insideTopRight" }} /> : null}
          {events
            .filter((e) => e.toState && t(e.at) >= data[0].at && t(e.at) <= end)
            .map((e, i) => (
              <ReferenceLine key={i} x={t(e.at)} stroke={STATE_COLOR[e.toState!] ?? "#64748b"} label={{ value: e.toState!, fontSize: 10, angle: -90, position: "insideTopLeft" }} />
            ))}
          <Line type="stepAfter" dataKey="value" stroke="#0369a1" dot={false} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
