"use client";
// The WhatsApp ingest panel's live widgets. Each polls its own endpoint with react-query (server
// data seeds the first paint) and sits in its own Suspense boundary on the page; filters and the
// opened message live in the URL.
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api } from "@/components/api-client";
import { Badge, Card, Empty, ErrorNote, Stat, tableClass } from "@/components/ui";

const fmt = new Intl.NumberFormat("en");
const time = (t: string) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const clock = (t: string | null) => (t ? new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "—");
const REFRESH_MS = 5_000;

type Totals = Record<
  "accepted" | "created" | "deduped" | "extracted" | "errors" | "media_uploaded" | "media_deduped" | "media_failed" | "auth_failures" | "forbidden" | "rate_limited" | "signature_failures",
  number
>;

export interface PanelData {
  minutes: number;
  generated_at: string;
  totals: Totals;
  window_totals: Totals;
  series: (Totals & { minute: string })[];
  collectors: {
    id: string; connection_status: string; batches_success: number; batches_failure: number; version: string; last_heartbeat_at: string; last_batch_at: string | null;
    success_increased_at: string; offline: boolean; offline_reason: string | null;
  }[];
  latency: { minute: string; p50_seconds: number; p95_seconds: number; offers: number }[];
}

function usePanel(window: string, initial: PanelData) {
  return useQuery({ queryKey: ["whatsapp-panel", window], queryFn: () => api<PanelData>(`/api/v1/whatsapp/panel?window=${window}`), initialData: initial, refetchInterval: REFRESH_MS });
}

function Stale({ error, at }: { error: Error | null; at: string }) {
  return error ? <ErrorNote>Refresh failed ({error.message}); showing data from {new Date(at).toLocaleTimeString()}. Retrying every 5 s.</ErrorNote> : null;
}

export function Tiles({ window, initial }: { window: string; initial: PanelData }) {
  const { data: d, error } = usePanel(window, initial);
  const w = d.window_totals;
  return (
    <div className="grid gap-2">
      <Stale error={error} at={d.generated_at} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" data-testid="whatsapp-tiles">
        <Stat label={`Offers created (${window})`} value={fmt.format(w.created)} hint={`${fmt.format(d.totals.created)} in total`} />
        <Stat label={`Accepted (${window})`} value={fmt.format(w.accepted)} hint="new messages" />
        <Stat label={`Deduped (${window})`} value={fmt.format(w.deduped)} hint="replays and copies" />
        <Stat label={`Extracted (${window})`} value={fmt.format(w.extracted)} />
        <Stat label={`Extraction errors (${window})`} value={fmt.format(w.errors)} hint={`${((w.errors / Math.max(w.extracted, 1)) * 100).toFixed(1)}% of extracted`} tone={w.errors / Math.max(w.extracted, 1) >= 0.05 ? "bad" : undefined} />
        <Stat label={`Media failures (${window})`} value={fmt.format(w.media_failed)} hint={`${fmt.format(w.media_uploaded)} stored, ${fmt.format(w.media_deduped)} deduped`} tone={w.media_failed > 0 ? "warn" : undefined} />
      </div>
    </div>
  );
}

export function RejectionsChart({ window, initial }: { window: string; initial: PanelData }) {
  const { data: d } = usePanel(window, initial);
  const w = d.window_totals;
  return (
    <Card title="Refused requests per minute (401 / 403 / 429)" action={<span className="text-xs text-slate-500" data-testid="rejection-totals">401: {w.auth_failures} · 403: {w.forbidden} · 429: {w.rate_limited}</span>}>
      <div className="h-56" aria-label="Refused requests chart" data-testid="rejections-chart">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={d.series}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis dataKey="minute" tickFormatter={time} minTickGap={30} fontSize={11} />
            <YAxis fontSize={11} width={40} allowDecimals={false} />
            <Tooltip labelFormatter={(l) => new Date(String(l)).toLocaleString()} />
            <Legend />
            <Line type="monotone" dataKey="auth_failures" name="401 auth" stroke="#e11d48" dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="forbidden" name="403 forbidden" stroke="#d97706" dot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="rate_limited" name="429 rate limited" stroke="#7c3aed" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </Card>
  );
}

export function LatencyChart({ window, initial }: { window: string; initial: PanelData }) {
  const { data: d } = usePanel(window, initial);
  return (
    <Card title="Ingest → offer latency (seconds, per minute)">
      {d.latency.length === 0 ? (
        <Empty>No offers in this window yet.</Empty>
      ) : (
        <div className="h-56" aria-label="Ingest to offer latency chart">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={d.latency}>
              <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
              <XAxis dataKey="minute" tickFormatter={time} minTickGap={30} fontSize={11} />
              <YAxis fontSize={11} width={48} tickFormatter={(v: number) => v.toFixed(2)} />
              <Tooltip labelFormatter={(l) => new Date(String(l)).toLocaleString()} formatter={(v) => `${Number(v).toFixed(3)} s`} />
              <Legend />
              <Line type="monotone" dataKey="p50_seconds" name="p50" stroke="#0284c7" dot={false} isAnimationActive={false} />
              <Line type="monotone" dataKey="p95_seconds" name="p95" stroke="#e11d48" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </Card>
  );
}

export function Collectors({ window, initial }: { window: string; initial: PanelData }) {
  const { data: d } = usePanel(window, initial);
  return (
    <Card title="Collectors">
      {d.collectors.length === 0 ? (
        <Empty>No collector has sent a heartbeat (POST /api/v1/whatsapp/collectors/heartbeat).</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <thead>
              <tr>
                <th>Collector</th>
                <th>State</th>
                <th>Connection</th>
                <th className="text-right">Batches ok / failed</th>
                <th className="text-right">Last heartbeat</th>
                <th className="text-right">Last batch</th>
                <th>Version</th>
              </tr>
            </thead>
            <tbody className="tabular-nums">
              {d.collectors.map((c) => (
                <tr key={c.id} data-testid="collector-row">
                  <td className="font-mono text-xs">{c.id}</td>
                  <td>{c.offline ? <Badge tone="bad">offline · {c.offline_reason?.replace("_", " ")}</Badge> : <Badge tone="good">online</Badge>}</td>
                  <td>{c.connection_status}</td>
                  <td className="text-right">
                    {fmt.format(c.batches_success)} / {fmt.format(c.batches_failure)}
                  </td>
                  <td className="text-right">{clock(c.last_heartbeat_at)}</td>
                  <td className="text-right">{clock(c.last_batch_at)}</td>
                  <td className="text-xs">{c.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

export interface FailureRow {
  timestamp: string;
  kind: string;
  client_id: string;
  chat_title: string;
  reason: string;
  status: number | null;
  detail: string;
}

export function RecentFailures({ query, initial, filters }: { query: string; initial: FailureRow[]; filters: React.ReactNode }) {
  const { data, error } = useQuery({
    queryKey: ["whatsapp-failures", query],
    queryFn: () => api<{ failures: FailureRow[] }>(`/api/v1/whatsapp/failures?${query}`).then((r) => r.failures),
    initialData: initial,
    refetchInterval: REFRESH_MS,
  });
  return (
    <Card title="Recent failures (auth, signature, rate limit, media)" action={filters}>
      {error ? <ErrorNote>Refresh failed ({error.message}); retrying.</ErrorNote> : null}
      {data.length === 0 ? (
        <Empty>No failures match these filters.</Empty>
      ) : (
        <div className="max-h-96 overflow-auto">
          <table className={tableClass} data-testid="recent-failures">
            <thead>
              <tr>
                <th>Time</th>
                <th>Client</th>
                <th>Chat</th>
                <th>Kind</th>
                <th>Reason</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {data.map((f, i) => (
                <tr key={`${f.timestamp}-${i}`} data-testid="failure-row">
                  <td className="whitespace-nowrap tabular-nums">{clock(f.timestamp)}</td>
                  <td className="font-mono text-xs">{f.client_id || "—"}</td>
                  <td>{f.chat_title || "—"}</td>
                  <td>
                    <Badge tone={f.kind === "rate_limit" ? "warn" : "bad"}>
                      {f.kind}
                      {f.status ? ` ${f.status}` : ""}
                    </Badge>
                  </td>
                  <td className="font-mono text-xs">{f.reason}</td>
                  <td className="text-xs text-slate-500">{f.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

export interface OffersData {
  offers: { id: string; message_row_id: string; client_id: string; chat_title: string; product: string; price: number; currency: string; quantity: number | null; unit: string | null; seller: string; created_at: string }[];
  extraction_errors: { id: string; client_id: string; chat_title: string; text: string; extraction_error: string; extracted_at: string }[];
}

/** The panel's URL with this message opened (other filters kept). */
function useJourneyHref() {
  const params = useSearchParams();
  return (id: string) => {
    const p = new URLSearchParams(params.toString());
    p.set("message", id);
    return `/whatsapp?${p.toString()}`;
  };
}

export function RecentOffers({ initial }: { initial: OffersData }) {
  const journeyHref = useJourneyHref();
  const { data } = useQuery({ queryKey: ["whatsapp-offers"], queryFn: () => api<OffersData>(`/api/v1/whatsapp/offers?limit=15`), initialData: initial, refetchInterval: REFRESH_MS });
  const money = (p: number, c: string) => `${new Intl.NumberFormat("en", { maximumFractionDigits: 2 }).format(p)} ${c}`;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card title="Recent offers">
        {data.offers.length === 0 ? (
          <Empty>No offers extracted yet.</Empty>
        ) : (
          <table className={tableClass} data-testid="recent-offers">
            <thead>
              <tr>
                <th>Product</th>
                <th className="text-right">Price</th>
                <th>Qty</th>
                <th>Seller</th>
                <th>Chat</th>
              </tr>
            </thead>
            <tbody>
              {data.offers.map((o) => (
                <tr key={o.id}>
                  <td>
                    <Link className="text-sky-700 underline dark:text-sky-400" href={journeyHref(o.message_row_id)} scroll={false} data-testid="open-journey">
                      {o.product}
                    </Link>
                  </td>
                  <td className="text-right tabular-nums">{money(o.price, o.currency)}</td>
                  <td>{o.quantity === null ? "—" : `${o.quantity} ${o.unit ?? ""}`}</td>
                  <td>{o.seller}</td>
                  <td className="text-xs">{o.chat_title}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="Extraction errors">
        {data.extraction_errors.length === 0 ? (
          <Empty>No offer-like message failed to parse.</Empty>
        ) : (
          <table className={tableClass}>
            <thead>
              <tr>
                <th>Message</th>
                <th>Reason</th>
                <th>Chat</th>
              </tr>
            </thead>
            <tbody>
              {data.extraction_errors.map((e) => (
                <tr key={e.id}>
                  <td className="max-w-72 truncate" title={e.text}>
                    <Link className="text-sky-700 underline dark:text-sky-400" href={journeyHref(e.id)} scroll={false}>
                      {e.text || "(no text)"}
                    </Link>
                  </td>
                  <td className="font-mono text-xs">{e.extraction_error.split(":")[0]}</td>
                  <td className="text-xs">{e.chat_title}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

export interface Journey {
  id: string; client_id: string; chat_id: string; chat_title: string; message_id: string; sender: string; sent_at: string; text: string; media_sha256: string | null;
  run_id: string | null; status: string; duplicate_of: string | null; deliveries: number; extraction_error: string | null; task_id: string | null; task_status: string | null;
  stages: Record<"received" | "deduped" | "accepted" | "extracted" | "offer", string | null>;
  offer: { product: string; price: number; currency: string; quantity: number | null; unit: string | null; seller: string } | null;
  duplicates: { id: string; client_id: string; received_at: string }[];
}

const FINAL = new Set(["extracted", "no_offer", "error", "duplicate"]);

export function MessageJourney({ id, initial, closeHref }: { id: string; initial: Journey; closeHref: string }) {
  const journeyHref = useJourneyHref();
  const { data: j } = useQuery({
    queryKey: ["whatsapp-journey", id],
    queryFn: () => api<Journey>(`/api/v1/whatsapp/messages/${id}`),
    initialData: initial,
    // Follow a message still on its way; stop once it reached its last stage.
    refetchInterval: (q) => (q.state.data && FINAL.has(q.state.data.status) ? false : 2_000),
  });
  const t0 = Date.parse(j.stages.received ?? j.sent_at);
  const steps: { label: string; at: string | null; note?: React.ReactNode }[] = [
    { label: "Received", at: j.stages.received, note: `from ${j.client_id}${j.deliveries > 1 ? ` · delivered ${j.deliveries}×` : ""}` },
    j.status === "duplicate"
      ? { label: "Deduplicated", at: j.stages.deduped, note: j.duplicate_of ? <Link className="underline" href={journeyHref(j.duplicate_of)}>duplicate of message #{j.duplicate_of}</Link> : "duplicate" }
      : { label: "Deduped → accepted", at: j.stages.accepted, note: j.task_id ? `queued as task #${j.task_id} (${j.task_status ?? "gone"})` : undefined },
    ...(j.status === "duplicate"
      ? []
      : [
          { label: "Extracted", at: j.stages.extracted, note: j.status === "error" ? `error: ${j.extraction_error}` : j.status === "no_offer" ? "not an offer" : undefined },
          { label: "Offer", at: j.stages.offer, note: j.offer ? `${j.offer.product} · ${j.offer.price} ${j.offer.currency}${j.offer.quantity ? ` · ${j.offer.quantity} ${j.offer.unit ?? ""}` : ""} · ${j.offer.seller}` : undefined },
        ]),
  ];
  return (
    <Card title={`Message #${j.id} — journey`} action={<Link href={closeHref} scroll={false} className="text-sm underline">close</Link>}>
      <div className="grid gap-3" data-testid="message-journey">
        <p className="text-sm">
          <span className="font-medium">{j.chat_title || j.chat_id}</span> · {j.sender} · sent {new Date(j.sent_at).toLocaleString()}
        </p>
        <blockquote className="rounded border-l-4 border-slate-300 bg-slate-50 px-3 py-2 text-sm whitespace-pre-wrap dark:bg-slate-900">{j.text || "(no text)"}</blockquote>
        <ol className="grid gap-2">
          {steps.map((s) => (
            <li key={s.label} className="flex items-baseline gap-3 text-sm" data-testid="journey-stage">
              <Badge tone={s.at ? "good" : "neutral"}>{s.label}</Badge>
              <span className="tabular-nums">{s.at ? `${clock(s.at)} (+${((Date.parse(s.at) - t0) / 1000).toFixed(3)} s)` : "pending"}</span>
              {s.note ? <span className="text-slate-500">{s.note}</span> : null}
            </li>
          ))}
        </ol>
        {j.media_sha256 ? <p className="text-xs text-slate-500">media sha256 {j.media_sha256}</p> : null}
        {j.duplicates.length ? <p className="text-xs text-slate-500">Copies deduplicated into this message: {j.duplicates.map((d) => `#${d.id} (${d.client_id})`).join(", ")}</p> : null}
      </div>
    </Card>
  );
}
