"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

/** The console's top navigation: the item whose path is the longest prefix of the current page is active. */
export function MainNav({ items }: { items: { href: string; label: string }[] }) {
  const path = usePathname();
  const matches = (href: string) => (href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`));
  const active = items.filter((i) => matches(i.href)).sort((a, b) => b.href.length - a.href.length)[0]?.href;
  return (
    <nav aria-label="Main" className="flex flex-1 flex-wrap gap-1">
      {items.map((i) => (
        <Link
          key={i.href}
          href={i.href}
          aria-current={i.href === active ? "page" : undefined}
          className={`rounded-md px-2.5 py-1.5 text-sm no-underline ${i.href === active ? "bg-slate-100 font-medium text-slate-900 dark:bg-slate-800 dark:text-white" : "text-slate-600 hover:bg-slate-50 dark:text-slate-300 dark:hover:bg-slate-800"}`}
        >
          {i.label}
        </Link>
      ))}
    </nav>
  );
}
