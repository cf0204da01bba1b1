import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { signIn } from "./helpers";

// Dead-lettered `noop` tasks created straight in the app's database (playwright.config.ts exports
// DATABASE_URL); the demo worker running inside the app executes them once requeued.
async function deadNoopTasks(n: number, error: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO fulfillment_tasks (task_type, payload, status, attempts, max_attempts, last_error_class, last_error, error_fingerprint, dead_lettered_at, finished_at)
       SELECT 'noop', '{}'::jsonb, 'dead_lettered', 5, 5, 'ProviderTimeout', $1 || ' (' || g || ')', md5($1), now() - g * interval '1 second', now()
         FROM generate_series(1, $2::int) g RETURNING id::text`,
      [error, n],
    );
    return rows.map((r) => r.id);
  } finally {
    await client.end();
  }
}

test("an operator finds a dead-lettered task by error text, retries it and sees it succeed", async ({ page }) => {
  const token = `e2e-${randomUUID().slice(0, 8)}`;
  const [id] = await deadNoopTasks(1, `carrier gateway timeout ${token}`);
  await signIn(page, "operator", "/fulfillment/dead-letters");
  await page.getByLabel("Error text").fill(`gateway timeout ${token}`);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`q=gateway\\+timeout\\+${token}`));
  const rows = page.getByTestId("dead-letter-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`#${id}`);

  await page.getByRole("button", { name: `Retry task #${id}` }).click();
  await expect(page.getByRole("status")).toContainText(`Task #${id} requeued.`);
  await expect(rows).toHaveCount(0); // no longer dead-lettered

  await page.goto(`/fulfillment/tasks/${id}`);
  await expect(page.getByTestId("task-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("attempt-timeline")).toContainText("succeeded");

  // The action is in the audit log, attributed to the operator.
  await page.goto(`/audit?actor=operator@opsdeck.local&action=fulfillment.dead_letter.retry`);
  await expect(page.getByTestId("audit-row").filter({ hasText: `task #${id}` })).toHaveCount(1);
});

test("a filtered bulk retry shows its dry-run count, then its progress to completion", async ({ page }) => {
  const token = `e2e-bulk-${randomUUID().slice(0, 8)}`;
  await deadNoopTasks(7, `warehouse unreachable ${token}`);
  await deadNoopTasks(2, `some other failure`); // must not be counted by the filter
  await signIn(page, "operator", `/fulfillment/dead-letters?q=${token}`);
  await expect(page.getByTestId("dead-letter-row")).toHaveCount(7);

  await page.getByRole("button", { name: "Retry all matching…" }).click();
  await expect(page.getByTestId("dry-run-count")).toHaveText("7");
  const confirm = page.getByRole("button", { name: "Confirm retry of 7" });
  await expect(confirm).toBeDisabled(); // a reason is required
  await page.getByLabel("Reason (required, kept in the audit log)").fill("e2e: warehouse is reachable again");
  await confirm.click();
  const progress = page.getByTestId("bulk-progress");
  await expect(progress).toContainText("succeeded");
  await expect(progress).toContainText("7 / 7 processed, 7 requeued");
  await expect(page.getByTestId("dead-letter-row")).toHaveCount(0);
});

test("a viewer sees dead letters but no action buttons, and the API refuses the action", async ({ page }) => {
  const token = `e2e-viewer-${randomUUID().slice(0, 8)}`;
  const [id] = await deadNoopTasks(1, `label printer offline ${token}`);
  await signIn(page, "viewer", `/fulfillment/dead-letters?q=${token}`);
  await expect(page.getByTestId("dead-letter-row")).toHaveCount(1);
  await expect(page.getByRole("button", { name: /Retry|Discard/ })).toHaveCount(0);
  await expect(page.getByRole("checkbox")).toHaveCount(0);

  await page.goto(`/fulfillment/tasks/${id}`);
  await expect(page.getByTestId("task-status")).toHaveText("dead_lettered");
  await expect(page.getByTestId("task-actions")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Retry|Discard|Edit/ })).toHaveCount(0);

  const res = await page.request.post(`/api/v1/fulfillment/dead-letters/${id}/retry`, { data: {} });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe("forbidden");
});
