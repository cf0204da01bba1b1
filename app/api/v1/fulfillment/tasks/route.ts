import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { pool } from "@/lib/platform/db";
import { enqueue, sharedWorkerWaker } from "@/lib/fulfillment/queue";
import { inTimestampBounds, jsonObject, text, timestampMessage, uuidId } from "@/lib/platform/http/schema-types";

export const dynamic = "force-dynamic";

const task = z
  .object({
    task_type: text("task_type").min(1),
    payload: jsonObject("payload"),
    order_item_id: uuidId("order_item_id").optional(),
    run_at: z.iso
      .datetime({ offset: true, error: "run_at must be an ISO 8601 date/time with a zone, such as 2026-11-23T10:00:00Z" })
      .transform((s) => new Date(s))
      .refine((d) => inTimestampBounds(d), timestampMessage("run_at"))
      .optional(),
    max_attempts: z.number().int().min(1).max(100).optional(),
  })
  .strict();

// One task, or { tasks: [...] } for a batch of up to 1,000 (one INSERT).
const body = z.union([task, z.object({ tasks: z.array(task).min(1).max(1000) }).strict()]);

export const POST = route({ route: "/api/v1/fulfillment/tasks", policy: { session: "operate", apiKey: "checkout" }, body }, async ({ body }) => {
  const list = "tasks" in body ? body.tasks : [body];
  // enqueue() validates each payload against its task type's schema (422 naming the field).
  // Every notifying commit takes PostgreSQL's global notify lock: at a hundred enqueues a second they
  // queued behind each other holding pool connections. One notification per 20 ms wakes the workers.
  const notify = sharedWorkerWaker().inline();
  const ids = await enqueue(
    pool(),
    list.map((t) => ({ taskType: t.task_type, payload: t.payload, orderItemId: t.order_item_id, runAt: t.run_at, maxAttempts: t.max_attempts })),
    { notify },
  );
  sharedWorkerWaker().committed(notify);
  return Response.json({ ids: ids.map(String), count: ids.length }, { status: 201 });
});
