"use client";
// Daily history over the SLO window: the error budget left as the window filled (area) and each
// day's success ratio (line) against the target.
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { HistoryPoint } from "@/lib/slo/status";

function day(iso: string) {
  return new Date(iso).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}

export function SloHistoryChart({ points, target, compact = false }: { points: HistoryPoint[]; target: number; compact?: boolean }) {
  const data = points.map((p) => ({
    day: day(p.day),
    budget: Math.round(p.budgetRemaining * 1000) / 10,
    sli: p.sli === null ? null : Math.round(p.sli * 10000) / 100,
    total: p.total,
  }));
  // Round axis ends so ticks land on whole steps (0% and 100% budget always visible).
  const budgetFloor = Math.floor(Math.min(0, ...data.map((d) => d.budget)) / 50) * 50;
  const budgetTicks = Array.from({ length: (100 - budgetFloor) / 50 + 1 }, (_, i) => budgetFloor + i * 50);
  const sliFloor = Math.floor(Math.min(target * 100, ...data.map((d) => d.sli ?? 100)) - 0.5);
  return (
    <div className={compact ? "h-40" : "h-72"} aria-label="Error budget and daily success ratio over the SLO window">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="day" fontSize={11} interval="preserveStartEnd" minTickGap={24} />
          <YAxis yAxisId="budget" fontSize={11} domain={[budgetFloor, 100]} ticks={budgetTicks} unit="%" />
          {!compact && <YAxis yAxisId="sli" orientation="right" fontSize={11} domain={[sliFloor, 100]} allowDecimals={false} unit="%" />}
          <Tooltip
            formatter={(value, name) => {
              if (name === "budget") return [`${value}%`, "Error budget left"];
              if (name === "sli") return [value === null ? "no events" : `${value}%`, "Success that day"];
              return [String(value), String(name)];
            }}
          />
          <ReferenceLine yAxisId="budget" y={0} stroke="#e11d48" strokeDasharray="4 2" />
          <Area yAxisId="budget" type="monotone" dataKey="budget" stroke="#0369a1" fill="#bae6fd" fillOpacity={0.5} isAnimationActive={false} />
          {!compact && <ReferenceLine yAxisId="sli" y={target * 100} stroke="#059669" strokeDasharray="4 2" label={{ value: "target", fontSize: 10, position: "insideTopRight" }} />}
          {!compact && <Line yAxisId="sli" type="monotone" dataKey="sli" stroke="#059669" dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
