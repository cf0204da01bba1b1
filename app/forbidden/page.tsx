import Link from "next/link";

export const metadata = { title: "Not allowed" };

export default async function Forbidden({ searchParams }: { searchParams: Promise<{ need?: string }> }) {
  const { need } = await searchParams;
  return (
    <main className="mx-auto max-w-lg p-10">
      <h1 className="text-xl font-semibold">Your role cannot open this page</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        It needs the <code>{need ?? "required"}</code> permission. Ask an admin to change your role, or go back to the <Link href="/">overview</Link>.
      </p>
    </main>
  );
}
