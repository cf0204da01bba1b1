import Link from "next/link";
import type { ReactNode } from "react";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { signOut } from "@/lib/platform/auth/auth";
import { NAV_ITEMS } from "@/components/nav-items";
import { MainNav } from "@/components/main-nav";
import { Providers } from "@/components/providers";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requirePage("read");
  async function doSignOut() {
    "use server";
    await signOut({ redirectTo: "/signin" });
  }
  return (
    <Providers>
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3">
          <Link href="/" className="font-semibold text-slate-900 no-underline dark:text-white">Opsdeck</Link>
          <MainNav items={NAV_ITEMS.filter((i) => can(user.role, i.permission)).map(({ href, label }) => ({ href, label }))} />
          <div className="flex items-center gap-3 text-sm">
            <span className="text-slate-500" data-testid="current-user">{user.email} · <span className="font-medium">{user.role}</span></span>
            <form action={doSignOut}>
              <button className="text-slate-600 hover:underline dark:text-slate-300" type="submit">Sign out</button>
            </form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </Providers>
  );
}
