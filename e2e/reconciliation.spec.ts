// Reconciliation in Debian chromium: the demo's claims reconcile on the panel; an admin creates an
// affiliate whose key submits a claim that appears and reconciles (detail with its attempt and
// fetched report); an operator dry-runs a re-reconciliation of the filtered claims; a viewer sees
// everything but cannot create affiliates or re-reconcile.
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test("an admin creates an affiliate; its claim appears on the panel and reconciles", async ({ page, request }) => {
  await signIn(page, "admin", "/reconciliation/risk");
  await page.goto("/reconciliation/risk");
  const name = `E2E Affiliate ${Date.now()}`;
  await page.getByLabel("Affiliate name").fill(name);
  await page.getByRole("button", { name: "Create affiliate and key" }).click();
  const key = (await page.getByTestId("new-affiliate-key").textContent())!.trim();
  expect(key).toMatch(/^opsk_/);
  await expect(page.getByTestId("affiliates")).toContainText(name);

  const post = `e2e${Date.now()}`;
  const res = await request.post("/api/v1/reconciliation/submissions", {
    headers: { authorization: `Bearer ${key}` },
    data: { platform: "instagram", post_id: post, period: { start: "2026-11-01T00:00:00Z", end: "2026-11-30T00:00:00Z" }, claimed: { views: 1000 } },
  });
  expect(res.status()).toBe(202);
  const { id } = await res.json();

  await page.goto(`/reconciliation?q=${post}`);
  const row = page.getByTestId("reconciliation-submissions").getByRole("row").filter({ hasText: post });
  await expect(row).toBeVisible();
  // instagram is never down in the demo: the claim reaches a terminal status within seconds.
  await expect(row).toContainText(/matched|discrepancy|overclaim/, { timeout: 30_000 });
  await row.getByRole("link", { name: `#${id}` }).click();
  const detail = page.getByTestId("submission-detail");
  await expect(detail).toContainText(name);
  await expect(page.getByTestId("submission-attempts")).toContainText("fetched");
  await expect(detail).toContainText("views");
});

test("an operator dry-runs a re-reconciliation of the filtered claims, and it needs a reason", async ({ page }) => {
  await signIn(page, "operator", "/reconciliation");
  await page.goto("/reconciliation?status=matched");
  await expect(page.getByTestId("reconciliation-submissions")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Re-reconcile matching…" }).click();
  const dialog = page.getByRole("dialog", { name: /Re-reconcile matching…: dry run/ });
  await expect(dialog).toContainText("finished claim(s) match (filter: status=matched)");
  expect(Number((await page.getByTestId("dry-run-count").textContent())!.replace(/\D/g, ""))).toBeGreaterThan(0);
  await expect(dialog.getByRole("button", { name: /Confirm re-reconciliation of/ })).toBeDisabled();
  await dialog.getByRole("button", { name: "Back" }).click();
});

test("on-call sees the demo's reconciliations flowing; a viewer cannot act", async ({ page }) => {
  await signIn(page, "viewer", "/reconciliation");
  await page.goto("/reconciliation");
  await expect(page.getByTestId("reconciliation-headline")).toContainText("Queue depth");
  await expect(page.getByTestId("reconciliation-submissions")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("button", { name: /Re-reconcile/ })).toHaveCount(0);
  await page.goto("/reconciliation/risk");
  await expect(page.getByTestId("risk-severities")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create affiliate and key" })).toHaveCount(0);
  const denied = await page.request.post("/api/v1/reconciliation/affiliates", { data: { name: "viewer attempt" }, headers: { origin: new URL(page.url()).origin } });
  expect(denied.status()).toBe(403);
});
