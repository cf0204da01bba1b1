import "server-only";
// Deterministic demo catalogue: the same seed always yields the same products, so demo data,
// tests and benchmarks (100,000 products) share one generator. Idempotent by SKU.
import type pg from "pg";

/** mulberry32: tiny, fast, deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Category {
  code: string;
  name: string;
  nouns: string[];
  price: [number, number];
}

export const CATEGORIES: Category[] = [
  { code: "TEE", name: "T-Shirts", nouns: ["T-Shirt", "Tee", "Crew Neck T-Shirt", "V-Neck T-Shirt", "Long Sleeve T-Shirt"], price: [1200, 3500] },
  { code: "HOO", name: "Hoodies", nouns: ["Hoodie", "Zip Hoodie", "Pullover Hoodie"], price: [3500, 8000] },
  { code: "SWT", name: "Sweaters", nouns: ["Sweater", "Cardigan", "Jumper"], price: [3000, 9000] },
  { code: "JNS", name: "Jeans", nouns: ["Jeans", "Slim Jeans", "Straight Jeans", "Denim Shorts"], price: [4000, 12000] },
  { code: "JKT", name: "Jackets", nouns: ["Jacket", "Rain Jacket", "Bomber Jacket", "Parka", "Windbreaker"], price: [6000, 25000] },
  { code: "DRS", name: "Dresses", nouns: ["Dress", "Midi Dress", "Maxi Dress", "Summer Dress"], price: [3500, 15000] },
  { code: "SHR", name: "Shirts", nouns: ["Shirt", "Oxford Shirt", "Flannel Shirt", "Linen Shirt"], price: [2500, 9000] },
  { code: "SNK", name: "Sneakers", nouns: ["Sneakers", "Running Shoes", "High-Top Sneakers", "Trainers"], price: [5000, 18000] },
  { code: "BTS", name: "Boots", nouns: ["Boots", "Chelsea Boots", "Hiking Boots"], price: [7000, 22000] },
  { code: "CAP", name: "Hats & Caps", nouns: ["Cap", "Beanie", "Bucket Hat", "Baseball Cap"], price: [1200, 4000] },
  { code: "SCK", name: "Socks", nouns: ["Socks", "Ankle Socks", "Wool Socks"], price: [500, 2000] },
  { code: "BAG", name: "Bags", nouns: ["Backpack", "Tote Bag", "Duffel Bag", "Crossbody Bag"], price: [2500, 15000] },
  { code: "MUG", name: "Mugs", nouns: ["Mug", "Travel Mug", "Espresso Cup"], price: [900, 3000] },
  { code: "PST", name: "Posters", nouns: ["Poster", "Art Print", "Canvas Print"], price: [1500, 6000] },
  { code: "WCH", name: "Watches", nouns: ["Watch", "Chronograph Watch", "Smartwatch Strap"], price: [5000, 40000] },
  { code: "SCF", name: "Scarves", nouns: ["Scarf", "Knit Scarf", "Silk Scarf"], price: [1500, 7000] },
];

const COLOURS = ["Black", "White", "Navy", "Grey", "Red", "Olive", "Sand", "Blue", "Green", "Burgundy", "Pink", "Yellow", "Charcoal", "Cream"];
const MATERIALS = ["Organic Cotton", "Cotton", "Merino Wool", "Linen", "Recycled Polyester", "Denim", "Leather", "Canvas", "Fleece", "Bamboo"];
const STYLES = ["Classic", "Essential", "Vintage", "Relaxed", "Slim Fit", "Oversized", "Heavyweight", "Lightweight", "Premium", "Everyday", "Retro", "Sport"];
const FEATURES = ["soft hand feel", "reinforced seams", "a relaxed fit", "a modern cut", "garment-dyed colour", "a brushed finish", "water-repellent coating", "machine-washable fabric"];

export interface DemoProduct {
  sku: string;
  title: string;
  description: string;
  category: string;
  priceCents: number;
  stock: number;
  active: boolean;
}

/** Product number `i` (0-based) of the deterministic catalogue. */
export function demoProduct(i: number): DemoProduct {
  const r = prng(0x5eed + i * 7919);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const cat = CATEGORIES[i % CATEGORIES.length];
  const noun = pick(cat.nouns);
  const colour = pick(COLOURS);
  const material = pick(MATERIALS);
  const style = pick(STYLES);
  const title = `${style} ${material} ${noun} – ${colour}`;
  const description = `${style} ${noun.toLowerCase()} in ${colour.toLowerCase()} ${material.toLowerCase()} with ${pick(FEATURES)} and ${pick(FEATURES)}. Part of our ${cat.name.toLowerCase()} range.`;
  const [lo, hi] = cat.price;
  return {
    sku: `${cat.code}-${String(i + 1).padStart(6, "0")}`,
    title,
    description,
    category: cat.name,
    priceCents: Math.round((lo + r() * (hi - lo)) / 100) * 100 - 1,
    stock: r() < 0.08 ? 0 : Math.floor(r() * 250),
    // A few discontinued products: present but never found.
    active: r() >= 0.02,
  };
}

/** Inserts products [from, to) in batches of 5,000 (unnest); existing SKUs are left alone. Returns rows inserted. */
export async function insertDemoProducts(db: pg.Pool, from: number, to: number): Promise<number> {
  let inserted = 0;
  for (let start = from; start < to; start += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, to - start) }, (_, k) => demoProduct(start + k));
    const { rowCount } = await db.query(
      `INSERT INTO catalog_products (sku, title, description, category, price_cents, stock, active)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::bool[])
       ON CONFLICT (sku) DO NOTHING`,
      [batch.map((p) => p.sku), batch.map((p) => p.title), batch.map((p) => p.description), batch.map((p) => p.category), batch.map((p) => p.priceCents), batch.map((p) => p.stock), batch.map((p) => p.active)],
    );
    inserted += rowCount ?? 0;
  }
  return inserted;
}
