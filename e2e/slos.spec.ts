import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

// A stakeholder (viewer) reads whether we keep our promises, without PromQL: each SLO's status,
// budget left, burn rate and history, computed from the demo's live and seeded traffic.
test("a stakeholder reads each SLO's budget, burn rates and history", async ({ page }) => {
  await signIn(page, "viewer", "/slos");
  await expect(page.getByRole("heading", { name: "Service level objectives" })).toBeVisible();
  for (const name of ["Fulfillment tasks complete", "Fulfillment tasks done within a minute"]) {
    const card = page.getByRole("region", { name, exact: true });
    await expect(card.getByTestId("slo-headline")).not.toBeEmpty();
    await expect(card.getByText(/^-?\d+(\.\d)?%$/).first()).toBeVisible();
    await expect(card.getByText(/^of this \d+d window$/)).toBeVisible(); // under "Error budget left"
    await expect(card.getByLabel("Error budget and daily success ratio over the SLO window")).toBeVisible();
    await expect(card.getByText(/[1-9][\d,]* events counted/)).toBeVisible(); // demo traffic is counted
  }

  await page.getByRole("link", { name: "Fulfillment tasks complete", exact: true }).click();
  await expect(page).toHaveURL(/\/slos\/fulfillment-task-success$/);
  await expect(page.getByText("Burn rate per window")).toBeVisible();
  for (const window of ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]) {
    await expect(page.getByRole("cell", { name: `last ${window}`, exact: true })).toBeVisible();
  }
  await expect(page.getByText("Burn-rate alerts")).toBeVisible();
  await expect(page.getByText(/History over the last \d+d/)).toBeVisible();
});
