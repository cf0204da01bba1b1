import { expect, type Page } from "@playwright/test";

export const DEMO = {
  viewer: { email: "viewer@opsdeck.local", password: "viewer-demo-password" },
  operator: { email: "operator@opsdeck.local", password: "operator-demo-password" },
  merchandiser: { email: "merchandiser@opsdeck.local", password: "merchandiser-demo-password" },
  admin: { email: "admin@opsdeck.local", password: "admin-demo-password" },
} as const;

export async function signIn(page: Page, role: keyof typeof DEMO, from = "/") {
  await page.goto(`/signin?from=${encodeURIComponent(from)}`);
  await page.getByLabel("Email").fill(DEMO[role].email);
  await page.getByLabel("Password").fill(DEMO[role].password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toContainText(DEMO[role].email);
}
