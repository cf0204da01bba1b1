// Shared by the catalog test files: the demo catalogue (first 3,000 products) and its lexicon, once
// per database, plus a couple of hand-made products for ranking checks.
import type pg from "pg";
import { insertDemoProducts } from "./demo-products";
import { refreshSearchTerms } from "./search";

export const TEST_PRODUCTS = 3_000;

export async function ensureTestCatalog(db: pg.Pool): Promise<void> {
  await insertDemoProducts(db, 0, TEST_PRODUCTS);
  await db.query(
    `INSERT INTO catalog_products (sku, title, description, category, price_cents, stock, active) VALUES
       ('TEST-ZORB-TITLE', 'Zorblax Enamel Mug', 'A sturdy camping mug.', 'Mugs', 1500, 10, true),
       ('TEST-ZORB-DESC', 'Camping Enamel Mug', 'Pairs well with any zorblax kettle.', 'Mugs', 1500, 10, true),
       ('TEST-ZORB-GONE', 'Zorblax Discontinued Mug', 'No longer sold.', 'Mugs', 1500, 10, false)
     ON CONFLICT (sku) DO NOTHING`,
  );
  await refreshSearchTerms(db);
}

/** A Date inside a test-only year, so windows hold only the rows a test file wrote. */
export const inYear = (year: number, hour = 12) => new Date(Date.UTC(year, 5, 15, hour, 30));
