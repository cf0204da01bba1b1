import { expect, test } from "@playwright/test";
import { signBody } from "../lib/whatsapp/signature";
import { signIn } from "./helpers";

// The on-call view of WhatsApp ingest in demo mode (published demo token and app secret): a
// collector's burst trips the rate limit, the 429s show in the chart and in recent failures
// (filterable in the URL), and a message can be followed from arrival to offer.
const TOKEN = "demo-whatsapp-ingest-token";
const SECRET = "demo-whatsapp-app-secret";
const LIMIT = 120; // WHATSAPP_RATE_LIMIT_BATCHES default

test("on-call sees a 429 burst in the chart and in recent failures, and opens a message's journey", async ({ page, request }) => {
  const client = `e2e-burst-${Date.now()}`;
  const batch = (i: number) =>
    JSON.stringify({
      client_id: client,
      messages: [{ message_id: `e2e-${client}-${i}`, chat_id: "e2e-chat@g.us", chat_title: "E2E traders", sender: "+15550001", timestamp: Math.floor(Date.now() / 1000), text: `Selling e2e widget lot ${i} - $${100 + i}` }],
    });
  const post = (body: string) =>
    request.post("/integrations/whatsapp/ingest", { headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}`, "x-hub-signature-256": signBody(body, SECRET) }, data: body });

  await signIn(page, "viewer", "/whatsapp");
  await expect(page.getByRole("heading", { name: "WhatsApp ingest" })).toBeVisible();
  await expect(page.getByTestId("whatsapp-tiles").getByText(/Offers created/)).toBeVisible();
  await expect(page.getByLabel("Refused requests chart")).toBeVisible();

  const statuses: number[] = [];
  let burstMessageId = "";
  for (let i = 0; i < LIMIT + 3; i++) {
    const res = await post(batch(i));
    statuses.push(res.status());
    if (i === 0) burstMessageId = (await res.json()).messages[0].id;
  }
  expect(statuses.filter((s) => s === 200).length).toBe(LIMIT);
  expect(statuses.filter((s) => s === 429).length).toBe(3);

  // Live: the chart's 429 total and the failures table follow without a reload.
  await expect(async () => {
    const text = await page.getByTestId("rejection-totals").innerText();
    expect(Number(/429: (\d+)/.exec(text)?.[1] ?? 0)).toBeGreaterThanOrEqual(3);
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId("failure-row").filter({ hasText: client }).first()).toContainText("rate_limited");

  // Filter recent failures by kind and client: the filter lives in the URL.
  await page.getByLabel("Kind").selectOption("rate_limit");
  await page.getByLabel("Client id").fill(client);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/kind=rate_limit/);
  await expect(page).toHaveURL(new RegExp(`client=${client}`));
  const rows = page.getByTestId("failure-row");
  await expect(rows.first()).toContainText(client);
  expect(await rows.count()).toBe(3);

  // A message's journey, opened from the recent offers. The demo's collectors add about three offers
  // a second, so the burst's offers leave the newest 15 within seconds: open the newest offer there…
  const stages = ["Received", "Deduped → accepted", "Extracted", "Offer"];
  await page.getByTestId("recent-offers").getByRole("link").first().click();
  await expect(page).toHaveURL(/message=\d+/);
  const journey = page.getByTestId("message-journey");
  for (const stage of stages) await expect(journey.getByText(stage, { exact: true })).toBeVisible();
  // …and a burst message by the row id its ingest answer gave (the open journey is URL state).
  await page.goto(`/whatsapp?message=${burstMessageId}`);
  await expect(journey).toContainText("E2E traders");
  await expect(journey).toContainText("e2e widget lot 0");
  for (const stage of stages) await expect(journey.getByText(stage, { exact: true })).toBeVisible();
  await expect(journey).toContainText("USD");
});

test("a viewer cannot run the load harness", async ({ page }) => {
  await signIn(page, "viewer", "/whatsapp");
  await expect(page.getByRole("heading", { name: "WhatsApp ingest" })).toBeVisible();
  await expect(page.getByText("Load harness (last runs)")).toBeVisible();
  await expect(page.getByRole("button", { name: /Run harness now/ })).toHaveCount(0);
});

test("an operator runs the load harness against the app and sees the run in the trend table", async ({ page }) => {
  await signIn(page, "operator", "/whatsapp");
  await page.getByRole("button", { name: /Run harness now/ }).click();
  await expect(page.getByTestId("harness-reports")).toContainText("SLOs met", { timeout: 90_000 });
  await expect(page.getByTestId("harness-reports").locator("tbody tr").first()).toContainText("console");
});
