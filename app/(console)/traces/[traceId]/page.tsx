import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { Badge, Card, Empty, PageHeader, Skeleton } from "@/components/ui";
import { EventsFeed } from "@/components/telemetry/events-feed";
import { ms } from "@/components/telemetry/format";
import { requirePage } from "@/lib/platform/auth/identity";
import { listEvents } from "@/lib/platform/telemetry/event-queries";
import { traceWaterfall } from "@/lib/platform/telemetry/trace-queries";

export const metadata = { title: "Trace" };
export const dynamic = "force-dynamic";

const TRACE_ID = /^[0-9a-f]{32}$/;

async function Waterfall({ traceId }: { traceId: string }) {
  const trace = await traceWaterfall(traceId);
  if (!trace) {
    return (
      <Empty>
        This trace is not in the sample. Only traces slower than SLOW_REQUEST_WARNING_MS or with an error are kept, the newest 500 of them; with
        OTEL_EXPORTER_OTLP_ENDPOINT set, look it up in your tracing backend by this id.
      </Empty>
    );
  }
  return (
    <div data-testid="waterfall">
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        {trace.spans.length} spans · {ms(trace.totalMs)} · started {trace.startedAt.replace("T", " ").slice(0, 23)} UTC
      </p>
      <div className="space-y-1 text-xs">
        {trace.spans.map((s) => {
          const left = (s.offsetMs / trace.totalMs) * 100;
          const width = Math.max((s.durationMs / trace.totalMs) * 100, 0.4);
          const detail = Object.entries(s.attributes).map(([k, v]) => `${k}=${v}`).join("\n");
          return (
            <div key={s.spanId} className="grid grid-cols-[minmax(0,22rem)_1fr_5rem] items-center gap-2" title={detail} data-span={s.name}>
              <div className="truncate font-mono" style={{ paddingLeft: `${s.depth * 0.9}rem` }}>
                {s.status === "error" ? <Badge tone="bad">error</Badge> : null} {s.name}
              </div>
              <div className="relative h-4 rounded bg-slate-100 dark:bg-slate-800">
                <div
                  className={`absolute top-0 h-4 rounded ${s.status === "error" ? "bg-rose-500" : s.kind === "client" ? "bg-violet-500" : "bg-sky-600"}`}
                  style={{ left: `${Math.min(left, 99.6)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.6))}%` }}
                />
              </div>
              <div className="text-right tabular-nums">{ms(s.durationMs)}</div>
            </div>
          );
        })}
      </div>
      <p className="mt-3 text-xs text-slate-500">Blue: work in this process; violet: calls out (database, HTTP). Hover a span for its attributes (SQL as its normalised shape).</p>
    </div>
  );
}

async function TraceEvents({ traceId }: { traceId: string }) {
  const { events } = await listEvents({ traceId, limit: 100 });
  return <EventsFeed initial={events} query={`trace_id=${traceId}`} tail={false} />;
}

export default async function TracePage({ params }: { params: Promise<{ traceId: string }> }) {
  const { traceId } = await params;
  await requirePage("read", `/traces/${traceId}`);
  if (!TRACE_ID.test(traceId)) notFound();
  return (
    <>
      <PageHeader title="Trace" description={<span className="font-mono">{traceId}</span>} actions={<Link className="text-sm text-sky-700 hover:underline" href="/events?name=http.request.slow">Slow requests →</Link>} />
      <div className="grid gap-4">
        <Card title="Waterfall">
          <Suspense fallback={<Skeleton className="h-64" />}><Waterfall traceId={traceId} /></Suspense>
        </Card>
        <Card title="Events in this trace">
          <Suspense fallback={<Skeleton className="h-32" />}><TraceEvents traceId={traceId} /></Suspense>
        </Card>
      </div>
    </>
  );
}
