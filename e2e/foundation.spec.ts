import { expect, test } from "@playwright/test";
import { DEMO, signIn } from "./helpers";

test("unauthenticated visitors are sent to sign-in", async ({ page }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/signin\?from=%2Fadmin/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("a wrong password shows a clear error", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(DEMO.viewer.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password" })).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
});

for (const role of ["viewer", "operator", "merchandiser", "admin"] as const) {
  test(`${role} signs in and sees the areas of its role`, async ({ page }) => {
    await signIn(page, role);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Overview" })).toBeVisible();
    if (role === "admin") await expect(nav.getByRole("link", { name: "Admin" })).toBeVisible();
    else await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(0);
  });
}

test("a viewer cannot open admin pages nor call admin APIs", async ({ page }) => {
  await signIn(page, "viewer");
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/forbidden/);
  const res = await page.request.post("/api/v1/admin/api-keys", { data: { name: "x", scopes: ["metrics:read"] } });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe("forbidden");
});

test("an admin creates an API key, sees it once, and reads /metrics with it", async ({ page, request }) => {
  await signIn(page, "admin", "/admin");
  await page.getByLabel("Name").fill("e2e-prometheus");
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  expect(key).toMatch(/^opsk_/);

  await page.getByRole("button", { name: "I have stored it" }).click();
  await page.reload();
  await expect(page.getByText(key)).toHaveCount(0); // shown once: only the prefix remains
  await expect(page.getByRole("cell", { name: "e2e-prometheus" })).toBeVisible();

  const anonymous = await request.get("/metrics");
  expect(anonymous.status()).toBe(401);
  const metrics = await request.get("/metrics", { headers: { authorization: `Bearer ${key}` } });
  expect(metrics.status()).toBe(200);
  const text = await metrics.text();
  expect(text).toContain("# TYPE http_requests_total counter");
  expect(text).toMatch(/process_cpu_user_seconds_total/);

  // Revoking (after the confirmation) stops the key at once.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("row", { name: /e2e-prometheus/ }).getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("row", { name: /e2e-prometheus/ })).toContainText("revoked");
  expect((await request.get("/metrics", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);
});

test("overview screenshot", async ({ page }, testInfo) => {
  await signIn(page, "operator");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.waitForLoadState("load");
  await page.screenshot({ path: testInfo.outputPath("overview.png"), fullPage: true });
  await testInfo.attach("overview", { path: testInfo.outputPath("overview.png"), contentType: "image/png" });
});
