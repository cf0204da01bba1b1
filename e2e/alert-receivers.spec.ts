import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

// Receivers hold webhook URLs and routing keys: only admins manage them, and a secret is never shown back.
test("an admin adds a Slack receiver, sees only a hint of its URL, and removes it; an operator cannot", async ({ page, browser }) => {
  const name = `e2e-slack-${randomUUID().slice(0, 8)}`;
  const secretPath = `T000/B000/${randomUUID().replaceAll("-", "")}`;
  await signIn(page, "admin", "/alerts/receivers");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Kind").selectOption("slack");
  await page.getByLabel("Webhook URL").fill(`https://hooks.slack.com/services/${secretPath}`);
  await page.getByRole("button", { name: "Add receiver" }).click();

  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("hooks.slack.com (URL hidden)");
  await expect(row).toContainText("admin UI");
  expect(await page.content()).not.toContain(secretPath);
  const listed = await page.request.get("/api/v1/alerts/receivers");
  expect(await listed.text()).not.toContain(secretPath);

  const operator = await browser.newPage();
  await signIn(operator, "operator");
  await operator.goto("/alerts/receivers");
  await expect(operator).toHaveURL(/\/forbidden/);
  expect((await operator.request.get("/api/v1/alerts/receivers")).status()).toBe(403);
  await operator.close();

  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: "Remove" }).click();
  await expect(row).toHaveCount(0);
});
