import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { enqueue } from "@/lib/fulfillment/queue";

export const dynamic = "force-dynamic";

const task = z
  .object({
    task_type: z.string().min(1),
    payload: z.record(z.string(), z.unknown()),
    order_item_id: z.string().uuid().optional(),
    run_at: z.iso.datetime({ offset: true }).optional(),
    max_attempts: z.number().int().min(1).max(100).optional(),
  })
  .strict();

// One task, or { tasks: [...] } for a batch of up to 1,000 (one INSERT).
const body = z.union([task, z.object({ tasks: z.array(task).min(1).max(1000) }).strict()]);

export const POST = route({ route: "/api/v1/fulfillment/tasks", policy: { session: "operate", apiKey: "checkout" }, body }, async ({ body }) => {
  const list = "tasks" in body ? body.tasks : [body];
  // enqueue() validates each payload against its task type's schema (422 naming the field).
  const ids = await enqueue(
    pool(),
    list.map((t) => ({ taskType: t.task_type, payload: t.payload, orderItemId: t.order_item_id, runAt: t.run_at ? new Date(t.run_at) : undefined, maxAttempts: t.max_attempts })),
  );
  return Response.json({ ids: ids.map(String), count: ids.length }, { status: 201 });
});
