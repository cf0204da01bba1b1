// Renders a payload diff (lib/fulfillment/dead-letters/diff.ts) as path: before → after.
import type { DiffEntry } from "@/lib/fulfillment/dead-letters/diff";

const show = (v: unknown) => (v === undefined ? "—" : JSON.stringify(v));

export function JsonDiff({ diff }: { diff: DiffEntry[] }) {
  if (diff.length === 0) return <p className="text-xs text-slate-500">No change.</p>;
  return (
    <ul className="mt-2 space-y-1 font-mono text-xs" data-testid="payload-diff">
      {diff.map((d) => (
        <li key={d.path}>
          <span className="font-semibold">{d.path}</span>{" "}
          {d.kind === "added" ? (
            <span className="text-emerald-700 dark:text-emerald-300">+ {show(d.after)}</span>
          ) : d.kind === "removed" ? (
            <span className="text-rose-700 line-through dark:text-rose-300">{show(d.before)}</span>
          ) : (
            <>
              <span className="text-rose-700 line-through dark:text-rose-300">{show(d.before)}</span> →{" "}
              <span className="text-emerald-700 dark:text-emerald-300">{show(d.after)}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
