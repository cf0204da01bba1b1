import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

// The merchandiser's insights on the demo data (two weeks of seeded searches plus the live
// simulator): a zero-result query is listed, "try it" runs it, and the Markdown report downloads.
test("a merchandiser opens insights, sees a zero-result query, tries it and downloads the Markdown report", async ({ page }) => {
  await signIn(page, "merchandiser", "/");
  // Merchandisers start from their own figures on the Overview.
  await expect(page.getByRole("heading", { name: "Catalog search", exact: true })).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalog insights" }).click();
  await expect(page.getByRole("heading", { name: "Catalog search insights" })).toBeVisible();
  await expect(page.getByTestId("catalog-tiles").getByText("Zero-result rate now")).toBeVisible();
  await expect(page.getByLabel("Zero-result rate chart")).toBeVisible();

  const zero = page.getByTestId("zero-result-queries");
  const row = zero.getByRole("row").filter({ hasText: "iphone case" });
  await expect(row).toBeVisible();
  await expect(page.getByTestId("top-queries").getByRole("row").filter({ hasText: "t-shirt" })).toBeVisible();

  // Window filter lives in the URL.
  await page.getByRole("navigation", { name: "Insights window" }).getByRole("link", { name: "24h" }).click();
  await expect(page).toHaveURL(/window=24h/);
  await expect(page.getByRole("link", { name: "24h" })).toHaveAttribute("aria-current", "page");

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Markdown report" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^catalog-insights-24h-\d{4}-\d{2}-\d{2}\.md$/);
  const text = fs.readFileSync((await file.path())!, "utf8");
  expect(text).toMatch(/^# Catalog search insights — last 24 hours/);
  expect(text).toContain("## Zero-result queries");
  expect(text).toMatch(/\| iphone case \| \d+ \|/);

  await page.getByTestId("zero-result-queries").getByRole("link", { name: 'Try the search "iphone case"' }).click();
  await expect(page).toHaveURL(/\/catalog\/search\?q=iphone(%20|\+)case/);
  await expect(page.getByTestId("search-summary")).toContainText("0 result(s) for “iphone case”");
  await page.getByLabel("Search text").fill("tshrit");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("search-summary")).toContainText("showing results for “tshirt”");
  await expect(page.getByTestId("search-results").getByRole("row").nth(1)).toContainText("T-Shirt");
});

test("a viewer cannot reach the merchandiser's insights or exports", async ({ page }) => {
  await signIn(page, "viewer", "/");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalog insights" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Catalog search", exact: true })).toHaveCount(0);
  await page.goto("/catalog");
  await expect(page.getByRole("heading", { name: "Your role cannot open this page" })).toBeVisible();
  await expect(page.getByText("catalog", { exact: true })).toBeVisible();
  for (const path of ["/api/v1/catalog/insights", "/api/v1/catalog/insights/export?format=md"]) {
    const res = await page.request.get(path);
    expect(res.status()).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
  }
  // Searching is open to every signed-in user (no action buttons, nothing to export).
  await page.goto("/catalog/search?q=hoodie");
  await expect(page.getByTestId("search-results")).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to insights" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Markdown report" })).toHaveCount(0);
});
