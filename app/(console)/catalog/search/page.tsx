import Link from "next/link";
import { Badge, Card, Empty, ErrorNote, PageHeader, buttonClass, inputClass, tableClass } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { pool } from "@/lib/platform/db";
import { AppError } from "@/lib/platform/errors";
import { search, type SearchResult } from "@/lib/catalog/search";

export const metadata = { title: "Try a catalog search" };
export const dynamic = "force-dynamic";

const price = new Intl.NumberFormat("en", { style: "currency", currency: "EUR" });

// "Try it": runs a query exactly as shoppers get it (typo correction, ranking) without logging it,
// so checking a zero-result query does not change the insights being checked.
export default async function TrySearchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePage("read", "/catalog/search");
  const raw = (await searchParams).q;
  const q = typeof raw === "string" ? raw : "";
  let result: SearchResult | null = null;
  let problem: string | null = null;
  if (q.trim()) {
    try {
      result = await search(pool(), { q, perPage: 25, log: false });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      problem = err.message;
    }
  }
  return (
    <>
      <PageHeader
        title="Try a catalog search"
        description="The shopper's search, with typo correction and ranking. Searches here are not logged and do not change the insights."
        actions={can(user.role, "catalog") ? <Link className={buttonClass.secondary} href="/catalog">Back to insights</Link> : null}
      />
      <form method="get" action="/catalog/search" className="mb-4 flex gap-2" role="search">
        <label htmlFor="q" className="sr-only">Search text</label>
        <input id="q" name="q" defaultValue={q} maxLength={500} className={`${inputClass} w-full max-w-lg`} placeholder="e.g. tshrit, black hoodie" />
        <button className={buttonClass.primary} type="submit">Search</button>
      </form>
      {problem ? <ErrorNote>{problem}</ErrorNote> : null}
      {result ? (
        <Card
          title={
            <span data-testid="search-summary">
              {result.total_exact ? result.total.toLocaleString("en") : `More than ${(result.total - 1).toLocaleString("en")}`} result(s) for “{result.query}”
              {result.corrected_query ? <> — showing results for “{result.corrected_query}” <Badge tone="info">typo corrected</Badge></> : null}
            </span>
          }
          action={<span className="text-xs text-slate-500">{result.took_ms} ms</span>}
        >
          {result.results.length === 0 ? (
            <Empty>Nothing found. Shoppers searching this leave empty-handed: add products, a synonym or a redirect.</Empty>
          ) : (
            <div className="overflow-x-auto">
              <table className={tableClass} data-testid="search-results">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>Product</th>
                    <th>Category</th>
                    <th>SKU</th>
                    <th className="text-right">Price</th>
                    <th className="text-right">Stock</th>
                  </tr>
                </thead>
                <tbody className="tabular-nums">
                  {result.results.map((r) => (
                    <tr key={r.sku}>
                      <td>{r.position}</td>
                      <td className="font-medium">{r.title}</td>
                      <td>{r.category}</td>
                      <td className="font-mono text-xs">{r.sku}</td>
                      <td className="text-right">{price.format(r.price_cents / 100)}</td>
                      <td className="text-right">{r.stock === 0 ? <Badge tone="warn">out of stock</Badge> : r.stock}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      ) : null}
    </>
  );
}
