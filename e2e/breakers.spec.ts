import { expect, test } from "@playwright/test";
import pg from "pg";
import { sharedBreaker, stopBreakerListener } from "../lib/platform/breakers";
import { signIn } from "./helpers";

// The circuit breakers panel. This spec process is one more instance sharing the breakers' state
// in PostgreSQL: its failing calls open a platform's breaker and the server's page shows it (and
// its closing after a successful probe) live. Operators force-open and reset with a reason,
// audited; a viewer sees no buttons and gets 403 from the API.
const SETTINGS = { failureThreshold: 3, openCooldownSeconds: 3, halfOpenProbeCount: 1, failureWindowSeconds: 60 };

let pool: pg.Pool;
test.beforeAll(() => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
});
test.afterAll(async () => {
  await stopBreakerListener(pool);
  await pool.end();
});

const breaker = (platform: string) => sharedBreaker(pool, platform, SETTINGS, { listen: false, cacheTtlMs: 100 });

test("on-call sees a breaker open on failures and close after a successful probe; a viewer cannot act", async ({ page }) => {
  const b = breaker("instagram");
  await b.state();
  await signIn(page, "viewer", "/reconciliation/breakers");
  await expect(page.getByRole("heading", { name: "Circuit breakers" })).toBeVisible();
  const card = page.getByTestId("breaker-card-instagram");
  await expect(card.getByTestId("breaker-state")).toHaveText("closed");

  for (let i = 0; i < SETTINGS.failureThreshold; i++) await b.execute(() => Promise.reject(new Error("e2e: HTTP 503 from instagram"))).catch(() => {});
  // Live, without a reload: the page polls every 2 s.
  await expect(card.getByTestId("breaker-state")).toHaveText("open", { timeout: 10_000 });
  await expect(card.getByTestId("breaker-failures")).toContainText("3 / 3");
  await expect(card.getByTestId("breaker-next-probe")).toContainText(/in \d+s|due/);
  await expect(card.getByTestId("breaker-transitions")).toContainText("failure_threshold");
  await expect(page.getByTestId("breaker-summary")).toContainText(/[1-9] open/);

  // After the cooldown a probe goes through (refused with CircuitOpenError until then) and closes it.
  await expect(async () => expect(await b.execute(async () => "ok")).toBe("ok")).toPass({ timeout: 15_000 });
  await expect(card.getByTestId("breaker-state")).toHaveText("closed", { timeout: 10_000 });
  await expect(card.getByTestId("breaker-transitions")).toContainText("probe_succeeded");

  // A viewer has no controls, and the API refuses.
  await expect(page.getByRole("button", { name: /Force open|Reset/ })).toHaveCount(0);
  const res = await page.request.post("/api/v1/reconciliation/breakers/instagram/force-open", { data: { reason: "viewer tries" }, headers: { origin: new URL(page.url()).origin } });
  expect(res.status()).toBe(403);
  const { rows } = await pool.query(`SELECT state, forced FROM circuit_breakers WHERE name = 'instagram'`);
  expect(rows[0]).toMatchObject({ forced: false });
});

test("an operator force-opens a platform and resets it, each with a reason, audited", async ({ page }) => {
  await signIn(page, "operator", "/reconciliation/breakers");
  const origin = new URL(page.url()).origin;
  const card = page.getByTestId("breaker-card-youtube");
  await expect(card.getByTestId("breaker-state")).toBeVisible();
  const dialog = page.getByRole("dialog");

  await card.getByRole("button", { name: "Force open…" }).click();
  await expect(dialog.getByRole("button", { name: "Force open" })).toBeDisabled(); // no reason yet
  await dialog.getByLabel(/Reason/).fill("e2e: youtube incident INC-7");
  await dialog.getByRole("button", { name: "Force open" }).click();
  await expect(card.getByTestId("breaker-state")).toHaveText("forced open");
  await expect(card).toContainText("Forced open by operator@opsdeck.local: “e2e: youtube incident INC-7”");
  await expect(card.getByTestId("breaker-next-probe")).toHaveText("none until reset");
  await expect(card.getByTestId("breaker-transitions")).toContainText("forced_open");

  // Racing a second force-open: 409 with what to do next.
  const again = await page.request.post("/api/v1/reconciliation/breakers/youtube/force-open", { data: { reason: "someone else" }, headers: { origin } });
  expect(again.status()).toBe(409);
  expect((await again.json()).error.message).toMatch(/already forced open/);

  await card.getByRole("button", { name: "Reset…" }).click();
  await dialog.getByLabel(/Reason/).fill("e2e: incident over");
  await dialog.getByRole("button", { name: "Reset to closed" }).click();
  await expect(card.getByTestId("breaker-state")).toHaveText("closed");
  await expect(card.getByRole("button", { name: "Reset…" })).toHaveCount(0);

  const { rows } = await pool.query(`SELECT action, actor, reason FROM audit_log WHERE target = 'breaker:youtube' ORDER BY id DESC LIMIT 2`);
  expect(rows.reverse()).toEqual([
    { action: "breaker.force_open", actor: "user:operator@opsdeck.local", reason: "e2e: youtube incident INC-7" },
    { action: "breaker.reset", actor: "user:operator@opsdeck.local", reason: "e2e: incident over" },
  ]);
});
