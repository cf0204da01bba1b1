import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, Card, PageHeader, tableClass, type Tone } from "@/components/ui";
import { requirePage } from "@/lib/platform/auth/identity";
import { can } from "@/lib/platform/auth/roles";
import { AppError } from "@/lib/platform/errors";
import { taskDetail, type TaskDetail } from "@/lib/fulfillment/dead-letters/queries";
import { diffJson } from "@/lib/fulfillment/dead-letters/diff";
import { TaskActions } from "@/components/dead-letters/task-actions";
import { JsonDiff } from "@/components/dead-letters/json-diff";
import { LiveRefresh } from "@/components/dead-letters/live-refresh";
import { bigintId } from "@/lib/platform/http/schema-types";

export const metadata = { title: "Fulfillment task" };
export const dynamic = "force-dynamic";

const STATUS_TONE: Record<string, Tone> = { succeeded: "good", dead_lettered: "bad", discarded: "neutral", running: "info", pending: "info", retry_scheduled: "warn" };
const OUTCOME_TONE: Record<string, Tone> = { succeeded: "good", failed: "warn", dead_lettered: "bad", lease_expired: "warn", running: "info" };

const ts = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString().replace("T", " ").slice(0, 23) + "Z" : "—");
const ms = (n: number | null) => (n === null ? "—" : n >= 1000 ? `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)} s` : `${n} ms`);

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePage("read", `/fulfillment/tasks/${id}`);
  if (!bigintId("task id").safeParse(id).success) notFound();
  let task: TaskDetail;
  try {
    task = await taskDetail(id);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
  const moving = ["pending", "running", "retry_scheduled"].includes(task.status);
  return (
    <>
      <LiveRefresh active={moving} />
      <PageHeader
        title={`Task #${task.id}`}
        description={
          <>
            {task.taskType} · <span data-testid="task-status"><Badge tone={STATUS_TONE[task.status] ?? "neutral"}>{task.status}</Badge></span> · attempt {task.attempts}{task.maxAttempts === null ? "" : ` of ${task.maxAttempts}`}
            {" · "}
            <Link href="/fulfillment/dead-letters">all dead letters</Link>
          </>
        }
      />
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="grid gap-4 lg:col-span-2">
          {task.status === "dead_lettered" && can(user.role, "operate") ? (
            <Card title="Actions">
              <TaskActions id={task.id} payload={task.payload} />
            </Card>
          ) : null}
          {task.lastError ? (
            <Card title="Last error">
              <p className="font-mono text-sm text-rose-700 dark:text-rose-300">{task.lastErrorClass}</p>
              <p className="mt-1 whitespace-pre-wrap text-sm">{task.lastError}</p>
              {task.errorFingerprint ? (
                <p className="mt-2 text-xs text-slate-500">
                  Error group <Link href={`/fulfillment/dead-letters?group=${encodeURIComponent(task.errorFingerprint)}`}>{task.errorFingerprint.slice(0, 16)}</Link>
                </p>
              ) : null}
            </Card>
          ) : null}
          <Card title={`Attempts (${task.attemptRows.length})`}>
            {task.attemptRows.length === 0 ? (
              <p className="text-sm text-slate-500">No attempt recorded yet.</p>
            ) : (
              <ol className="relative space-y-4 border-l border-slate-200 pl-4 dark:border-slate-700" data-testid="attempt-timeline">
                {task.attemptRows.map((a) => (
                  <li key={a.id}>
                    <div className="flex flex-wrap items-center gap-2 text-sm">
                      <span className="font-semibold">Attempt {a.attempt}</span>
                      <Badge tone={OUTCOME_TONE[a.outcome] ?? "neutral"}>{a.outcome}</Badge>
                      <span className="text-xs text-slate-500">worker {a.workerId}</span>
                    </div>
                    <dl className="mt-1 grid grid-cols-2 gap-x-4 text-xs text-slate-600 sm:grid-cols-4 dark:text-slate-400">
                      <div><dt className="inline">started </dt><dd className="inline">{ts(a.startedAt)}</dd></div>
                      <div><dt className="inline">finished </dt><dd className="inline">{ts(a.finishedAt)}</dd></div>
                      <div><dt className="inline">duration </dt><dd className="inline">{ms(a.durationMs)}</dd></div>
                      <div><dt className="inline">lease until </dt><dd className="inline">{ts(a.leaseExpiresAt)}</dd></div>
                      {a.backoffMs !== null ? <div><dt className="inline">backoff chosen </dt><dd className="inline">{ms(a.backoffMs)}</dd></div> : null}
                    </dl>
                    {a.errorClass || a.errorMessage ? (
                      <p className="mt-1 text-sm"><span className="font-mono text-rose-700 dark:text-rose-300">{a.errorClass}</span> {a.errorMessage}</p>
                    ) : null}
                    {a.errorStack ? (
                      <details className="mt-1">
                        <summary className="cursor-pointer text-xs text-slate-500">Stack trace</summary>
                        <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-50 p-2 text-xs dark:bg-slate-950">{a.errorStack}</pre>
                      </details>
                    ) : null}
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </div>
        <div className="grid content-start gap-4">
          <Card title="Payload">
            <pre className="overflow-auto rounded bg-slate-50 p-2 text-xs dark:bg-slate-950" data-testid="payload">{JSON.stringify(task.payload, null, 2)}</pre>
            {task.originalPayload ? (
              <>
                <h3 className="mt-3 text-xs font-semibold">Edited — changes from the original</h3>
                <JsonDiff diff={diffJson(task.originalPayload, task.payload)} />
                <details className="mt-2">
                  <summary className="cursor-pointer text-xs text-slate-500">Original payload</summary>
                  <pre className="overflow-auto rounded bg-slate-50 p-2 text-xs dark:bg-slate-950">{JSON.stringify(task.originalPayload, null, 2)}</pre>
                </details>
              </>
            ) : null}
          </Card>
          <Card title="Order">
            {task.order ? (
              <dl className="space-y-1 text-sm">
                <div><dt className="inline text-slate-500">Order </dt><dd className="inline">{task.order.reference} · {task.order.customer} · {(task.order.totalCents / 100).toFixed(2)} {task.order.currency}</dd></div>
                {task.orderItem ? (
                  <div><dt className="inline text-slate-500">Item </dt><dd className="inline">{task.orderItem.sku} × {task.orderItem.quantity} ({task.orderItem.status})</dd></div>
                ) : null}
              </dl>
            ) : (
              <p className="text-sm text-slate-500">Not linked to an order item.</p>
            )}
          </Card>
          <Card title="Timing">
            <table className={tableClass}>
              <tbody>
                <tr><td>Created</td><td>{ts(task.createdAt)}</td></tr>
                <tr><td>Run at</td><td>{ts(task.runAt)}</td></tr>
                <tr><td>Dead-lettered</td><td>{ts(task.deadLetteredAt)}</td></tr>
                <tr><td>Finished</td><td>{ts(task.finishedAt)}</td></tr>
                <tr><td>Lease</td><td>{task.leaseOwner ? `${task.leaseOwner} until ${ts(task.leaseExpiresAt)}` : "—"}</td></tr>
              </tbody>
            </table>
          </Card>
          <Card title="Operator history">
            {task.history.length === 0 ? (
              <p className="text-sm text-slate-500">No operator action yet.</p>
            ) : (
              <ul className="space-y-1 text-xs">
                {task.history.map((h) => (
                  <li key={h.id}>{ts(h.at)} · {h.actor.replace(/^user:/, "")} · {h.action.split(".").pop()}{h.reason ? ` — “${h.reason}”` : ""}</li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
