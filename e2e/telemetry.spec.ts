import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

// On-call lands on the overview: firing alerts first, then one tile per area that refreshes in
// place; then follows a slow-request event to its trace waterfall. (The e2e server runs with
// SLOW_REQUEST_WARNING_MS=0, so every request is a slow one.)
test("on-call reads the overview, then follows a slow request to its trace", async ({ page }) => {
  await signIn(page, "viewer", "/");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  const headings = page.locator("main h2");
  await expect(headings.first()).toHaveText("Alerts");
  const tiles = page.getByTestId("area-tiles").locator("a");
  await expect(tiles).toHaveCount(8);
  for (const area of ["alerts", "fulfillment", "payments", "catalog", "whatsapp", "reconciliation", "slos", "api"]) {
    const tile = page.getByTestId(`tile-${area}`);
    await expect(tile).toHaveAttribute("data-status", /^(good|warn|bad|neutral)$/);
    await expect(tile.locator("div").nth(1)).not.toBeEmpty();
  }
  // The overview's own polling is API traffic: the Console API tile soon has figures.
  await expect(page.getByTestId("tile-api")).not.toHaveAttribute("data-status", "neutral", { timeout: 15_000 });

  // A refresh (every 5 s) changes figures, never the layout.
  const boxes = async () => Promise.all([page.getByTestId("firing-alerts"), ...["alerts", "fulfillment", "payments", "catalog", "whatsapp", "reconciliation", "slos", "api"].map((a) => page.getByTestId(`tile-${a}`))].map((l) => l.boundingBox()));
  const before = await boxes();
  const updated = await page.getByText(/^Updated /).textContent();
  await expect(page.getByText(/^Updated /)).not.toHaveText(updated!, { timeout: 12_000 });
  expect(await boxes()).toEqual(before);

  await page.getByRole("link", { name: "Events", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Events" })).toBeVisible();
  await page.locator('select[name="name"]').selectOption("http.request.slow");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/name=http\.request\.slow/);
  const row = page.locator('tr[data-event="http.request.slow"]').filter({ hasText: "/api/v1/overview" }).first();
  await expect(row).toBeVisible();
  await row.getByRole("link", { name: "waterfall" }).click();

  await expect(page.getByRole("heading", { name: "Trace", exact: true })).toBeVisible();
  const waterfall = page.getByTestId("waterfall");
  await expect(waterfall.locator('[data-span="GET /api/v1/overview"]')).toBeVisible();
  await expect(waterfall.getByText(/^\d+ spans · /)).toBeVisible();
  await expect(page.locator('tr[data-event="http.request.slow"]')).toHaveCount(1);
});

test("the request performance page shows the slowest routes with percentiles", async ({ page }) => {
  await signIn(page, "viewer", "/performance");
  await expect(page.getByRole("heading", { name: "Request performance" })).toBeVisible();
  const table = page.getByTestId("slowest-routes");
  await expect(table.getByRole("cell", { name: "/api/readyz" }).or(table.getByRole("cell", { name: "/api/v1/overview" })).first()).toBeVisible({ timeout: 30_000 });
  await page.getByRole("link", { name: "15m", exact: true }).click();
  await expect(page).toHaveURL(/window=15m/);
  await expect(page.getByText("Slowest routes (last 15m, by p95)")).toBeVisible();
});
