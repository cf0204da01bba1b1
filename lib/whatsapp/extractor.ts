// Rule-based offer extraction from one WhatsApp message: product, price, currency, quantity/unit
// and seller. Pure (no I/O) so the corpus test pins its behaviour. A message that looks like an
// offer (sale keywords or a currency) but cannot be parsed is an error with a reason, which the
// panel lists for triage; chatter and buy requests are "none", not errors.

export interface ExtractedOffer {
  product: string;
  price: number;
  /** ISO 4217 */
  currency: string;
  quantity: number | null;
  unit: string | null;
  seller: string;
}

export const EXTRACTION_ERROR_REASONS = ["missing_price", "missing_product", "multiple_prices", "invalid_number"] as const;
export type ExtractionErrorReason = (typeof EXTRACTION_ERROR_REASONS)[number];

export type Extraction =
  | { kind: "offer"; offer: ExtractedOffer }
  | { kind: "none" }
  | { kind: "error"; reason: ExtractionErrorReason; message: string };

// Longest first, so "US$" wins over "$" and "R$" over "R".
const SYMBOLS: [string, string][] = [
  ["US$", "USD"], ["R$", "BRL"], ["KSh", "KES"], ["Rs.", "INR"], ["Rs", "INR"], ["€", "EUR"], ["£", "GBP"], ["₹", "INR"],
  ["₦", "NGN"], ["¥", "JPY"], ["₱", "PHP"], ["$", "USD"],
];
const CODES = ["USD", "EUR", "GBP", "INR", "NGN", "KES", "BRL", "ZAR", "MXN", "AED", "PHP", "IDR", "GHS", "EGP", "CNY", "JPY", "CAD", "AUD", "CHF", "TRY"];
const WORDS: Record<string, string> = {
  naira: "NGN", rupees: "INR", rupee: "INR", dollars: "USD", dollar: "USD", euros: "EUR", euro: "EUR", reais: "BRL", real: "BRL",
  pesos: "MXN", dirhams: "AED", cedis: "GHS", rand: "ZAR", shillings: "KES", bob: "KES", pounds: "GBP",
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const CURRENCY_ALT = [...SYMBOLS.map(([s]) => escape(s)), ...CODES.map((c) => `${c}\\b`)].join("|");
const WORD_ALT = Object.keys(WORDS).join("|");
// 1,250.00 · 1.250,00 · 1 250 · 1,25,000 (Indian grouping) · 450 · 12.5 · 45k. Groups after the
// first are exactly three digits (Indian: pairs, then three), so "$450 85c3" is 450, not 45,085.
const AMOUNT = String.raw`\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?|\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?`;
// A currency before the amount binds first ("aro 29 R$ 1.200" is 1,200 BRL, not 29).
const PRICE_BEFORE_RE = new RegExp(String.raw`(?<cur>${CURRENCY_ALT})\s?(?<amount>${AMOUNT})(?<k>[kK]\b)?(?![\d\p{L}])`, "giu");
const PRICE_AFTER_RE = new RegExp(String.raw`(?<amount>${AMOUNT})(?<k>[kK]\b)?\s?(?:(?<cur>${CURRENCY_ALT})|(?<cur2>${WORD_ALT})\b)`, "giu");

const UNITS: Record<string, string> = {
  kg: "kg", kgs: "kg", kilo: "kg", kilos: "kg", g: "g", t: "t", ton: "t", tons: "t", tonnes: "t", l: "l", litre: "l", litres: "l", liter: "l", liters: "l",
  lb: "lb", lbs: "lb", pc: "pcs", pcs: "pcs", piece: "pcs", pieces: "pcs", unit: "units", units: "units", box: "box", boxes: "box", bag: "bag", bags: "bag",
  carton: "carton", cartons: "carton", crate: "crate", crates: "crate", dozen: "dozen", pallet: "pallet", pallets: "pallet", sack: "sack", sacks: "sack",
};
const UNIT_ALT = Object.keys(UNITS).sort((a, b) => b.length - a.length).join("|");
const QTY_RE = new RegExp(String.raw`(?<!\w)(?<n>\d+(?:[.,]\d+)?)\s?(?:(?<unit>${UNIT_ALT})\b(?:\s+of\b)?|(?<x>x)(?=\s|\d))`, "iu");
const PER_UNIT_RE = new RegExp(String.raw`(?:/|\bper\s+|\ba\s+)(?<unit>${UNIT_ALT}|each)\b|\b(?<each>each|ea)\b`, "iu");

const OFFER_HINT = /\b(wts|selling|sell|for sale|offer|price|prix|precio|pre[cç]o|vendo|venda|available|in stock|fresh stock|deal|only)\b/iu;
const BUY_REQUEST = /\b(wtb|want to buy|looking for|need|buying|who has|anyone (?:has|selling))\b/iu;
const SELLER_RE = /\b(?:seller|contact|call|dm|whatsapp|vendedor|from)\s*[:\-]?\s*(?<who>@?[\p{L}][\p{L}\p{N}_.'-]*)/iu;
const NOISE_WORDS = /\b(wts|selling|for sale|fresh stock|in stock|available|offer|price|prix|precio|pre[cç]o|vendo|venda|only|deal|each|ea|at|for|per|@|new|brand new|pls|please|now)\b/giu;

/** Parses "1.250,00", "1,250.00", "1 250", "1,25,000", "12,5" into a number; null when unclear. */
export function parseAmount(raw: string): number | null {
  const s = raw.replace(/[\u00a0 ]/g, "");
  const lastDot = s.lastIndexOf("."), lastComma = s.lastIndexOf(",");
  let normalised: string;
  if (lastDot >= 0 && lastComma >= 0) {
    const dec = lastDot > lastComma ? "." : ",";
    const thou = dec === "." ? "," : ".";
    normalised = s.split(thou).join("").replace(dec, ".");
  } else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? "." : ",";
    const parts = s.split(sep);
    // One separator followed by exactly three digits is a thousands separator (45,000 / 1.250);
    // several are all thousands separators; otherwise it is the decimal mark (12.50 / 12,5).
    const thousands = parts.length > 2 || parts[parts.length - 1].length === 3 || (sep === "," && parts.slice(1).every((p) => p.length === 2 || p.length === 3) && parts.length > 2);
    normalised = thousands ? parts.join("") : parts.join(".");
  } else {
    normalised = s;
  }
  if (!/^\d+(\.\d+)?$/.test(normalised)) return null;
  const n = Number(normalised);
  return Number.isFinite(n) ? n : null;
}

function currencyOf(token: string): string {
  const upper = token.toUpperCase();
  if (CODES.includes(upper)) return upper;
  const sym = SYMBOLS.find(([s]) => s.toLowerCase() === token.toLowerCase());
  if (sym) return sym[1];
  return WORDS[token.toLowerCase()] ?? "USD";
}

interface PriceMatch {
  price: number | null;
  currency: string;
  start: number;
  end: number;
}

function findPrices(text: string): PriceMatch[] {
  const out: PriceMatch[] = [];
  const overlaps = (start: number, end: number) => out.some((p) => start < p.end && end > p.start);
  for (const re of [PRICE_BEFORE_RE, PRICE_AFTER_RE]) {
    for (const m of text.matchAll(re)) {
      const g = m.groups ?? {};
      const start = m.index, end = m.index + m[0].length;
      if (overlaps(start, end)) continue;
      const parsed = parseAmount(g.amount);
      out.push({ price: parsed === null ? null : Math.round(parsed * (g.k ? 1000 : 1) * 100) / 100, currency: currencyOf(g.cur ?? g.cur2), start, end });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

function clean(s: string): string {
  return s
    .replace(NOISE_WORDS, " ")
    .replace(/[*_~]+/g, " ")
    .replace(/[()[\]{}|!:;,@#/\\\-–—=>]+/g, " ")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+|[\s.]+$/g, "")
    .trim();
}

export function extractOffer(text: string, sender: string): Extraction {
  const body = text.normalize("NFKC").trim();
  if (!body) return { kind: "none" };
  const prices = findPrices(body);
  const offerLike = prices.length > 0 || OFFER_HINT.test(body);
  if (BUY_REQUEST.test(body) && !OFFER_HINT.test(body.replace(BUY_REQUEST, ""))) return { kind: "none" };
  if (!offerLike) return { kind: "none" };
  if (prices.length === 0) {
    if (body.includes("?")) return { kind: "none" };
    return { kind: "error", reason: "missing_price", message: "Looks like an offer (sale keywords) but no price with a currency was found." };
  }
  const distinct = new Set(prices.map((p) => `${p.price}|${p.currency}`));
  if (distinct.size > 1) {
    return { kind: "error", reason: "multiple_prices", message: `Found ${distinct.size} different prices in one message; post one offer per message.` };
  }
  const price = prices[0];
  if (price.price === null || price.price <= 0) return { kind: "error", reason: "invalid_number", message: `The price "${body.slice(price.start, price.end)}" is not a readable amount.` };

  // Remove the price spans, then read quantity, unit and seller from what is left.
  let rest = body;
  for (const p of [...prices].reverse()) rest = `${rest.slice(0, p.start)} ${rest.slice(p.end)}`;
  let unit: string | null = null;
  const per = PER_UNIT_RE.exec(rest);
  if (per) {
    const u = (per.groups?.unit ?? per.groups?.each ?? "").toLowerCase();
    unit = u === "each" || u === "ea" ? "each" : UNITS[u] ?? u;
    rest = rest.replace(per[0], " ");
  }
  let quantity: number | null = null;
  const qty = QTY_RE.exec(rest);
  if (qty?.groups) {
    quantity = parseAmount(qty.groups.n);
    // A per-unit price ("€320 each", "/box") names the unit; else the quantity's own unit.
    unit ??= qty.groups.unit ? UNITS[qty.groups.unit.toLowerCase()] : "pcs";
    rest = rest.replace(qty[0], " ");
  }
  let seller = sender.trim();
  const who = SELLER_RE.exec(rest);
  if (who?.groups?.who) {
    seller = who.groups.who.replace(/^@/, "");
    rest = rest.slice(0, who.index);
  }
  const firstLine = rest.split(/\n/).map(clean).find((l) => l.length > 1) ?? "";
  const product = firstLine.slice(0, 120);
  if (!product || !/\p{L}/u.test(product)) {
    return { kind: "error", reason: "missing_product", message: "A price was found but no product name next to it." };
  }
  return { kind: "offer", offer: { product, price: price.price, currency: price.currency, quantity, unit, seller: seller.slice(0, 80) } };
}
