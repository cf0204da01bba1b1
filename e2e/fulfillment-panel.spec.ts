import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { signIn } from "./helpers";

// The on-call view: live tiles, charts, per-type table and the worker list, refreshed without a
// reload. noop tasks scheduled an hour ahead stay pending (no worker claims them yet) and must show
// in the open page within a refresh or two.
test("on-call sees the live fulfillment panel: tiles, running worker, and new work without reloading", async ({ page }) => {
  const marker = randomUUID();
  const ids: string[] = [];
  const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    await signIn(page, "viewer", "/fulfillment");
    await expect(page.getByRole("heading", { name: "Fulfillment" })).toBeVisible();
    const tiles = page.getByTestId("fulfillment-tiles");
    for (const tile of ["Pending", "Running", "Oldest pending", "Succeeded (1 h)", "Failed (1 h)", "Dead-lettered (1 h)"]) {
      await expect(tiles.getByText(tile, { exact: true })).toBeVisible();
    }
    await expect(page.getByLabel("Throughput chart")).toBeVisible();
    const worker = page.getByTestId("worker-row").filter({ hasText: "running" });
    await expect(worker.first()).toBeVisible();

    const noop = page.getByTestId("task-type-row").filter({ hasText: "noop" });
    await expect(noop).toBeVisible();
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO fulfillment_tasks (task_type, payload, run_at) SELECT 'noop', $1::jsonb, now() + interval '1 hour'
         FROM generate_series(1, 3) RETURNING id::text`,
      [JSON.stringify({ e2e: marker })],
    );
    ids.push(...rows.map((r) => r.id));
    // The page was not reloaded: the pending count follows the database within a refresh or two.
    await expect(async () => {
      const { rows: [{ n }] } = await db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM fulfillment_tasks WHERE task_type = 'noop' AND status IN ('pending', 'retry_scheduled')`,
      );
      expect(Number(n)).toBeGreaterThanOrEqual(3);
      await expect(noop.locator("td").nth(1)).toHaveText(n, { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });

    await page.getByRole("navigation", { name: "Chart window" }).getByRole("link", { name: "6h" }).click();
    await expect(page).toHaveURL(/window=6h/);
    await expect(page.getByRole("link", { name: "6h" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByText("Task types (last 6h)")).toBeVisible();
  } finally {
    if (ids.length) await db.query(`DELETE FROM fulfillment_tasks WHERE id = ANY($1::bigint[])`, [ids]);
    await db.end();
  }
});
