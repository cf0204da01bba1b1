import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { demoWebhookSecret } from "../lib/payments/demo-secret";
import { signedDelivery, stripeEvent } from "../lib/payments/signing";
import { signIn } from "./helpers";

// The e2e server runs in demo mode without STRIPE_WEBHOOK_SECRET, so it verifies webhooks with the
// secret it derives from its AUTH_SECRET (kept under OPSDECK_DATA_DIR=.data/e2e).
const secret = () => demoWebhookSecret(fs.readFileSync(path.resolve(".data/e2e/auth-secret"), "utf8").trim());

/** A success webhook for an order that does not exist yet: its processing dead-letters (payment_not_found). */
async function lateSuccessWebhook(request: APIRequestContext, reference: string): Promise<string> {
  const event = stripeEvent({ type: "payment_intent.succeeded", object: { id: `pi_e2e_${randomUUID().slice(0, 8)}`, object: "payment_intent", amount: 1800, metadata: { order_reference: reference } } });
  const d = signedDelivery(event, secret());
  const res = await request.post("/api/v1/payments/webhooks/stripe", { headers: { "content-type": "application/json", "stripe-signature": d.signature }, data: d.body });
  expect(res.status()).toBe(200);
  expect((await res.json()).outcome).toBe("queued");
  return event.id;
}

const failedRow = (page: import("@playwright/test").Page, eventId: string) => page.getByTestId("webhook-event-row").filter({ hasText: eventId });

test("an operator opens a failed webhook's dead letter, retries it once the order exists, and the event is processed", async ({ page }) => {
  const reference = `E2E-${randomUUID().slice(0, 8)}`;
  const eventId = await lateSuccessWebhook(page.request, reference);
  await signIn(page, "operator", "/payments?outcome=failed");
  await expect(failedRow(page, eventId)).toContainText("payment_not_found", { timeout: 30_000 });

  // The checkout lands late (the operator's session may run manual checkouts).
  const paid = await page.request.post("/api/v1/payments/checkout", {
    data: { order_reference: reference, customer: "e2e@example.com", currency: "EUR", items: [{ sku: "E2E-SKU", quantity: 1, unit_amount_cents: 1800 }], payment_method: "pm_card_visa", shipping: { postcode: "1011 AB" } },
  });
  expect(paid.status()).toBe(201);

  await failedRow(page, eventId).getByRole("link", { name: /task #\d+/ }).click();
  await expect(page).toHaveURL(/\/fulfillment\/tasks\/\d+$/);
  await expect(page.getByTestId("task-status")).toHaveText("dead_lettered");
  await expect(page.getByTestId("payload")).toContainText(reference);
  await page.getByRole("button", { name: "Retry", exact: true }).click();
  await expect(page.getByTestId("task-status")).toHaveText("succeeded", { timeout: 30_000 });

  await page.goto(`/payments?outcome=processed&type=payment_intent.succeeded`);
  await expect(page.getByTestId("webhook-event-row").filter({ hasText: eventId })).toContainText("processed");
});

test("a viewer sees failed webhooks and their dead letters but no action button, and the API refuses the retry", async ({ page }) => {
  const eventId = await lateSuccessWebhook(page.request, `E2E-${randomUUID().slice(0, 8)}`);
  await signIn(page, "viewer", "/payments?outcome=failed");
  const row = failedRow(page, eventId);
  await expect(row).toContainText("payment_not_found", { timeout: 30_000 });
  await expect(row.getByRole("link", { name: /task #\d+/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /Retry|Discard/ })).toHaveCount(0);
  const taskId = ((await row.getByRole("link", { name: /task #\d+/ }).textContent()) ?? "").replace(/\D/g, "");
  const res = await page.request.post(`/api/v1/fulfillment/dead-letters/${taskId}/retry`, { data: {} });
  expect(res.status()).toBe(403);
});

test("the payments panel shows live checkout and webhook figures from the demo traffic", async ({ page }) => {
  await signIn(page, "viewer", "/payments");
  const tiles = page.getByTestId("payments-tiles");
  const received = async () => Number(((await page.getByTestId("tile-webhooks-received").getByText(/^[\d,]+$/).textContent()) ?? "0").replace(/,/g, ""));
  await expect(tiles).toBeVisible();
  const first = await received();
  // The simulator sends about one webhook every two seconds; the tiles poll every 5 s.
  await expect.poll(received, { timeout: 30_000 }).toBeGreaterThan(first);
  await expect(page.getByTestId("webhook-event-row").first()).toBeVisible();
  await expect(page.getByLabel("Failures by reason chart").or(page.getByText("No checkout, webhook or signature failure"))).toBeVisible();

  // Filter state lives in the URL.
  await page.getByLabel("Outcome").selectOption("processed");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/outcome=processed/);
  await expect(page.locator('[data-testid="webhook-event-row"]:not([data-outcome="processed"])')).toHaveCount(0);
});
