"use client";
// The circuit breakers panel: one card per configured platform, polled every 2 s with react-query
// (the server's snapshot seeds the first paint). Countdowns tick every second against the
// server's clock (generatedAt), so a skewed browser clock does not misstate the next probe.
import { useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { Badge, buttonClass, ErrorNote } from "@/components/ui";
import { ActionDialog, type BreakerAction } from "./action-dialog";
import { STATE_STYLE } from "./state-style";
import { Timeline } from "./timeline";
import type { BoardView } from "./types";

const REFRESH_MS = 2_000;
const QUERY_KEY = ["reconciliation-breakers"];

function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function BreakerBoard({ initial, canOperate }: { initial: BoardView; canOperate: boolean }) {
  const queryClient = useQueryClient();
  const { data, error, dataUpdatedAt } = useQuery({
    queryKey: QUERY_KEY,
    queryFn: () => api<BoardView>("/api/v1/reconciliation/breakers"),
    initialData: initial,
    refetchInterval: REFRESH_MS,
  });
  const [dialog, setDialog] = useState<{ platform: string; action: BreakerAction } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const localNow = useNow();
  // Server time now = its generatedAt + time elapsed here since that response arrived.
  const now = Date.parse(data.generatedAt) + (localNow - (dataUpdatedAt || localNow));

  return (
    <div className="space-y-3">
      {error ? <ErrorNote>Refresh failed ({error.message}); showing the state from {new Date(data.generatedAt).toLocaleTimeString()}. Retrying every 2 s.</ErrorNote> : null}
      {notice ? (
        <p role="status" className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">
          {notice}
        </p>
      ) : null}
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {data.breakers.map(({ platform, breaker: b, transitions }) => {
          const style = STATE_STYLE[b.state];
          const since = transitions[0]?.at ?? null;
          const held = b.forced ? transitions.find((t) => t.cause === "forced_open") : undefined;
          const nextProbeIn = b.nextProbeAt ? Date.parse(b.nextProbeAt) - now : null;
          return (
            <section
              key={platform}
              data-testid={`breaker-card-${platform}`}
              data-state={b.forced ? "forced_open" : b.state}
              className={`rounded-lg border border-l-4 border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900 ${style.border}`}
            >
              <div className="mb-3 flex items-center justify-between gap-2">
                <h2 className="text-base font-semibold">{platform}</h2>
                <Badge tone={style.tone}>
                  <span data-testid="breaker-state">{b.forced ? "forced open" : style.label}</span>
                </Badge>
              </div>
              <dl className="grid grid-cols-2 gap-x-3 gap-y-2 text-sm">
                <dt className="text-slate-500">Since</dt>
                <dd>{since ? `${new Date(since).toLocaleTimeString()} (${duration(now - Date.parse(since))} ago)` : "no change in 24 h"}</dd>
                <dt className="text-slate-500">Failures</dt>
                <dd data-testid="breaker-failures">
                  <span className={b.failuresInWindow >= b.failureThreshold ? "font-semibold text-rose-600" : ""}>
                    {b.failuresInWindow} / {b.failureThreshold}
                  </span>{" "}
                  <span className="text-xs text-slate-500">in {b.failureWindowSeconds} s</span>
                </dd>
                <dt className="text-slate-500">Next probe</dt>
                <dd data-testid="breaker-next-probe">
                  {b.forced
                    ? "none until reset"
                    : b.state === "half_open"
                      ? `probing (${b.probesPassed}/${b.halfOpenProbeCount} passed, ${b.probesLeft} left)`
                      : nextProbeIn !== null
                        ? nextProbeIn > 0
                          ? `in ${duration(nextProbeIn)}`
                          : "due (on the next call)"
                        : "—"}
                </dd>
                <dt className="text-slate-500">Settings</dt>
                <dd className="text-xs text-slate-500">
                  cooldown {b.openCooldownSeconds} s · {b.halfOpenProbeCount} probe(s)
                </dd>
              </dl>
              {held ? (
                <p className="mt-2 text-xs text-rose-700 dark:text-rose-300">
                  Forced open by {held.actor?.replace(/^user:/, "")}: “{held.reason}”
                </p>
              ) : null}
              {b.lastFailure && b.state !== "closed" ? <p className="mt-2 truncate text-xs text-slate-500" title={b.lastFailure}>Last failure: {b.lastFailure}</p> : null}
              <div className="mt-3">
                <Timeline transitions={transitions} current={b.state} now={now} />
              </div>
              {canOperate ? (
                <div className="mt-3 flex gap-2">
                  {!b.forced ? (
                    <button type="button" className={buttonClass.danger} onClick={() => (setNotice(null), setDialog({ platform, action: "force-open" }))}>
                      Force open…
                    </button>
                  ) : null}
                  {b.forced || b.state !== "closed" ? (
                    <button type="button" className={buttonClass.secondary} onClick={() => (setNotice(null), setDialog({ platform, action: "reset" }))}>
                      Reset…
                    </button>
                  ) : null}
                </div>
              ) : null}
            </section>
          );
        })}
      </div>
      {dialog ? (
        <ActionDialog
          platform={dialog.platform}
          action={dialog.action}
          onClose={() => setDialog(null)}
          onDone={(message) => {
            setDialog(null);
            setNotice(message);
            void queryClient.invalidateQueries({ queryKey: QUERY_KEY });
          }}
        />
      ) : null}
    </div>
  );
}

/** A line above the cards: how many platforms are in each state (same live query). */
export function BreakerSummary({ initial }: { initial: BoardView }) {
  const { data } = useQuery({ queryKey: QUERY_KEY, queryFn: () => api<BoardView>("/api/v1/reconciliation/breakers"), initialData: initial, refetchInterval: REFRESH_MS });
  const count = (pred: (b: BoardView["breakers"][number]["breaker"]) => boolean) => data.breakers.filter((x) => pred(x.breaker)).length;
  return (
    <p className="flex flex-wrap gap-2 text-sm" data-testid="breaker-summary">
      <Badge tone="good">{count((b) => b.state === "closed")} closed</Badge>
      <Badge tone="warn">{count((b) => b.state === "half_open")} half-open</Badge>
      <Badge tone="bad">{count((b) => b.state === "open" && !b.forced)} open</Badge>
      <Badge tone="bad">{count((b) => b.forced)} forced open</Badge>
    </p>
  );
}
