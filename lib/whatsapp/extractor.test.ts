// The extractor over a corpus of realistic group messages: several layouts, currencies, number
// formats and quantity styles; chatter and buy requests are not offers; offer-like messages that
// cannot be parsed are errors with a reason.
import { describe, expect, it } from "vitest";
import { extractOffer, parseAmount, type ExtractedOffer } from "./extractor";

type Expect = Partial<ExtractedOffer> & Pick<ExtractedOffer, "price" | "currency">;

const OFFERS: [string, Expect][] = [
  ["Selling iPhone 13 128GB - $450", { product: "iPhone 13 128GB", price: 450, currency: "USD", quantity: null }],
  ["WTS: 10 x Samsung A54 @ €320 each", { product: "Samsung A54", price: 320, currency: "EUR", quantity: 10, unit: "each" }],
  ["Rice 50kg bag 45,000 NGN", { product: "Rice bag", price: 45000, currency: "NGN", quantity: 50, unit: "kg" }],
  ["Tomatoes 20 kg R$ 150", { product: "Tomatoes", price: 150, currency: "BRL", quantity: 20, unit: "kg" }],
  ["₹1,25,000 for MacBook Air M2", { product: "MacBook Air M2", price: 125000, currency: "INR" }],
  ["Price: 1.250,00 EUR - Sony PS5 Digital", { product: "Sony PS5 Digital", price: 1250, currency: "EUR" }],
  ["Offer: 100 boxes of mangoes at KES 1,200/box", { product: "mangoes", price: 1200, currency: "KES", quantity: 100, unit: "box" }],
  ["£12.50 per kg mature cheddar", { product: "mature cheddar", price: 12.5, currency: "GBP", unit: "kg" }],
  ["*Fresh stock* Cement Dangote 42.5R — 5,200 naira per bag. Contact Musa", { product: "Cement Dangote 42.5R", price: 5200, currency: "NGN", unit: "bag", seller: "Musa" }],
  ["Vendo bicicleta aro 29 R$ 1.200", { product: "bicicleta aro 29", price: 1200, currency: "BRL" }],
  ["AirPods Pro 2 brand new sealed USD 180", { product: "AirPods Pro 2 sealed", price: 180, currency: "USD" }],
  ["Yellow maize 30 tons available @ 350 USD per ton, call Peter", { product: "Yellow maize", price: 350, currency: "USD", quantity: 30, unit: "t", seller: "Peter" }],
  ["Dell Latitude 7420 i7 16GB — 45k KSh", { product: "Dell Latitude 7420 i7 16GB", price: 45000, currency: "KES" }],
  ["Cooking oil 20L jerrycan: 38 000 ₦", { product: "Cooking oil jerrycan", price: 38000, currency: "NGN", quantity: 20, unit: "l" }],
  ["Shoes Nike Air Force 1 size 42\nPrice 85€", { product: "Shoes Nike Air Force 1 size 42", price: 85, currency: "EUR" }],
  ["WTS 2 pcs RTX 4090 Rs. 1,85,000 each DM @raj_traders", { product: "RTX 4090", price: 185000, currency: "INR", quantity: 2, unit: "each", seller: "raj_traders" }],
  ["Onions 1 sack 12000 naira", { product: "Onions", price: 12000, currency: "NGN", quantity: 1, unit: "sack" }],
  ["Toyota Corolla 2015 for sale AED 28,500", { product: "Toyota Corolla 2015", price: 28500, currency: "AED" }],
  ["Fresh eggs 30 crates ₱ 240 a crate", { product: "Fresh eggs", price: 240, currency: "PHP", quantity: 30, unit: "crate" }],
  ["Sugar 1 ton 820 dollars", { product: "Sugar", price: 820, currency: "USD", quantity: 1, unit: "t" }],
  // A number after the price is not a thousands group of it.
  ["Selling iPhone 13 128GB - $450 85c3a1", { price: 450, currency: "USD" }],
  ["Generator 5kva $1 200 only", { product: "Generator 5kva", price: 1200, currency: "USD" }],
];

const NONE = [
  "Good morning everyone 🙏",
  "Who has stock of cement? Need 200 bags",
  "WTB iPhone 12, budget $300",
  "Meeting at 5pm, see you there",
  "",
];

const ERRORS: [string, string][] = [
  ["WTS Samsung S23 Ultra, price on request", "missing_price"],
  ["Selling: iPhone 14 $700, iPhone 14 Pro $900", "multiple_prices"],
  ["Offer $250", "missing_product"],
  ["Fresh stock of avocados available, DM for price", "missing_price"],
];

describe("extractOffer corpus", () => {
  it.each(OFFERS)("extracts %j", (text, want) => {
    const r = extractOffer(text, "+254700000001");
    expect(r.kind, JSON.stringify(r)).toBe("offer");
    if (r.kind !== "offer") return;
    expect(r.offer).toMatchObject(want);
    if (!want.seller) expect(r.offer.seller).toBe("+254700000001");
  });

  it.each(NONE)("is not an offer: %j", (text) => {
    expect(extractOffer(text, "x")).toEqual({ kind: "none" });
  });

  it.each(ERRORS)("offer-like but unparsable %j → %s", (text, reason) => {
    const r = extractOffer(text, "x");
    expect(r).toMatchObject({ kind: "error", reason });
    if (r.kind === "error") expect(r.message.length).toBeGreaterThan(10);
  });

  it("reads both decimal conventions and Indian grouping", () => {
    expect(parseAmount("1.250,00")).toBe(1250);
    expect(parseAmount("1,250.00")).toBe(1250);
    expect(parseAmount("12,5")).toBe(12.5);
    expect(parseAmount("12.50")).toBe(12.5);
    expect(parseAmount("1,25,000")).toBe(125000);
    expect(parseAmount("38 000")).toBe(38000);
    expect(parseAmount("45,000")).toBe(45000);
  });
});
