import { expect, test } from "@playwright/test";
import pg from "pg";
import { signIn } from "./helpers";

// Dead-lettering tasks (straight in the app's database; playwright.config.ts exports DATABASE_URL)
// makes FulfillmentTasksDeadLettered fire. The e2e server evaluates every 2 s
// (ALERT_EVALUATION_INTERVAL_SECONDS=2 in playwright.config.ts).
async function deadLetter(n: number): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO fulfillment_tasks (task_type, payload, status, attempts, max_attempts, last_error_class, last_error, error_fingerprint, dead_lettered_at, finished_at)
       SELECT 'noop', '{}'::jsonb, 'dead_lettered', 5, 5, 'CarrierRejected', 'e2e alert ' || g, md5('e2e-alerts'), now(), now()
         FROM generate_series(1, $1::int) g`,
      [n],
    );
  } finally {
    await client.end();
  }
}

const RULE = "FulfillmentTasksDeadLettered";

test("dead letters fire the alert; its runbook shows it firing; an operator acknowledges it and a viewer cannot", async ({ page, browser }) => {
  await deadLetter(3);
  await signIn(page, "operator", "/alerts");
  await page.goto("/alerts");
  const row = page.getByTestId("open-alerts").locator(`tr[data-alert="${RULE}"]`);
  await expect(row).toContainText("firing", { timeout: 30_000 });

  // The runbook link opens the runbook, which shows the alert firing.
  await row.getByRole("link", { name: "runbook" }).click();
  await expect(page).toHaveURL(/\/runbooks\/fulfillment-dead-lettered$/);
  await expect(page.getByRole("heading", { name: "Fulfillment tasks dead-lettered" })).toBeVisible();
  const live = page.getByTestId("runbook-live");
  await expect(live).toContainText("firing");
  await expect(live).toContainText(RULE);
  await expect(page.getByRole("heading", { name: "Steps to fix" })).toBeVisible();

  // Operator acknowledges from the alert page.
  await live.getByRole("link", { name: RULE }).click();
  await expect(page).toHaveURL(/\/alerts\/[0-9a-f-]{36}$/);
  const alertUrl = page.url();
  await expect(page.getByTestId("alert-chart")).toBeVisible();
  // A retried run finds the alert already acknowledged by the first attempt.
  if (await page.getByRole("button", { name: "Acknowledge" }).count()) {
    await page.getByLabel("Comment").fill("e2e: retrying the carrier group");
    await page.getByRole("button", { name: "Acknowledge" }).click();
  }
  await expect(page.getByTestId("ack-state")).toContainText("operator@opsdeck.local");
  await expect(page.getByTestId("timeline")).toContainText("Acknowledged by operator@opsdeck.local");

  // A viewer sees the alert but no acknowledge/silence controls, and the API refuses with 403.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signIn(viewer, "viewer", "/alerts");
  await viewer.goto(alertUrl);
  await expect(viewer.getByTestId("ack-state")).toContainText("operator@opsdeck.local");
  await expect(viewer.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
  await expect(viewer.getByRole("link", { name: "Silence this alert…" })).toHaveCount(0);
  const id = alertUrl.split("/").pop();
  const res = await viewer.request.post(`/api/v1/alerts/${id}/ack`, { data: { comment: "viewer tries" }, headers: { origin: new URL(alertUrl).origin } });
  expect(res.status()).toBe(403);
  await viewer.goto("/alerts/silences");
  await expect(viewer.getByRole("button", { name: "Create silence" })).toHaveCount(0);
  await viewerContext.close();
});
