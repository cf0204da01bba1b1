import Link from "next/link";

/** The chart-window switch of live panels: one link per window, so the choice lives in the URL. */
export function WindowNav({ windows, current, href }: { windows: readonly string[]; current: string; href: (w: string) => string }) {
  return (
    <nav aria-label="Chart window" className="flex gap-1 rounded-md border border-slate-200 p-0.5 dark:border-slate-700">
      {windows.map((w) => (
        <Link
          key={w}
          href={href(w)}
          aria-current={w === current ? "page" : undefined}
          className={`rounded px-2.5 py-1 text-sm ${w === current ? "bg-sky-700 text-white!" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
        >
          {w}
        </Link>
      ))}
    </nav>
  );
}
