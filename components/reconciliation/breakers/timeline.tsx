// The last 24 h of one breaker as a strip of coloured segments (one per state episode) and the
// list of its transitions with their causes. Pure: the card passes the clock.
import { Badge } from "@/components/ui";
import { STATE_STYLE } from "./state-style";
import type { BreakerStateName, TransitionView } from "./types";

const DAY_MS = 24 * 3600 * 1000;
const hhmm = (t: string | number) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** Segments [from, to) of the window with the state held, oldest first. */
export function segments(transitions: TransitionView[], current: BreakerStateName, now: number): { state: BreakerStateName; from: number; to: number }[] {
  const start = now - DAY_MS;
  const asc = [...transitions].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || Number(a.id) - Number(b.id));
  const out: { state: BreakerStateName; from: number; to: number }[] = [];
  let state: BreakerStateName = asc[0]?.from ?? current;
  let from = start;
  for (const t of asc) {
    const at = Math.max(Date.parse(t.at), start);
    if (at > from) out.push({ state, from, to: at });
    state = t.to;
    from = at;
  }
  if (now > from) out.push({ state, from, to: now });
  return out;
}

export function Timeline({ transitions, current, now }: { transitions: TransitionView[]; current: BreakerStateName; now: number }) {
  const segs = segments(transitions, current, now);
  return (
    <div className="space-y-2">
      <div className="flex h-3 w-full overflow-hidden rounded bg-slate-100 dark:bg-slate-800" role="img" aria-label="State over the last 24 hours">
        {segs.map((s) => (
          <div
            key={`${s.from}-${s.state}`}
            className={STATE_STYLE[s.state].bar}
            style={{ width: `${((s.to - s.from) / DAY_MS) * 100}%`, minWidth: s.state === "closed" ? undefined : 2 }}
            title={`${STATE_STYLE[s.state].label} ${hhmm(s.from)} – ${hhmm(s.to)}`}
          />
        ))}
      </div>
      <div className="flex justify-between text-[10px] text-slate-500">
        <span>24 h ago</span>
        <span>now</span>
      </div>
      {transitions.length === 0 ? (
        <p className="text-xs text-slate-500">No transitions in the last 24 h.</p>
      ) : (
        <ol className="max-h-48 space-y-1 overflow-y-auto text-xs" data-testid="breaker-transitions">
          {transitions.slice(0, 50).map((t) => (
            <li key={t.id} className="flex flex-wrap items-baseline gap-x-2" data-testid="breaker-transition">
              <span className="tabular-nums text-slate-500">{hhmm(t.at)}</span>
              <Badge tone={STATE_STYLE[t.to].tone}>
                {STATE_STYLE[t.from].label} → {STATE_STYLE[t.to].label}
              </Badge>
              <span className="font-mono">{t.cause}</span>
              {t.actor ? (
                <span className="text-slate-600 dark:text-slate-400">
                  by {t.actor.replace(/^user:/, "")}: “{t.reason}”
                </span>
              ) : t.detail ? (
                <span className="text-slate-600 dark:text-slate-400">{t.detail}</span>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
