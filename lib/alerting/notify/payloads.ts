// Outgoing payloads. Pure functions of the alerts, so tests compare them exactly and the stored
// delivery row shows what was sent (without secrets: the routing key is added at send time).
import { createHash } from "node:crypto";

export interface NotifyAlert {
  id: string;
  fingerprint: string;
  rule: string;
  status: "firing" | "resolved";
  severity: string;
  labels: Record<string, string>;
  summary: string;
  description: string;
  runbook: string | null;
  runbookUrl: string | null;
  value: number | null;
  firedAt: Date | null;
  activeAt: Date;
  resolvedAt: Date | null;
}

export type Action = "trigger" | "resolve" | "acknowledge";

export function runbookLink(a: NotifyAlert, base: string): string | null {
  return a.runbook ? `${base}/runbooks/${a.runbook}` : a.runbookUrl;
}

/** Stable per receiver group: the same incident in PagerDuty across triggers, acks and resolves. */
export function dedupKey(groupKey: string): string {
  return `opsdeck-${createHash("sha256").update(groupKey).digest("hex").slice(0, 24)}`;
}

function title(action: Action, alerts: NotifyAlert[]): string {
  const first = alerts[0];
  const tag = action === "resolve" ? "RESOLVED" : action === "acknowledge" ? "ACKNOWLEDGED" : `FIRING:${alerts.length}`;
  return `[${tag}] ${first.rule}${alerts.length > 1 ? ` (+${alerts.length - 1} more)` : ""} — ${first.summary}`;
}

export function slackPayload(action: Action, alerts: NotifyAlert[], base: string) {
  const blocks: unknown[] = [{ type: "header", text: { type: "plain_text", text: title(action, alerts).slice(0, 150) } }];
  for (const a of alerts.slice(0, 10)) {
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*${a.rule}* · ${a.severity} · ${a.status}\n${a.summary}\n${a.description}`.slice(0, 3000),
      },
    });
    const buttons: unknown[] = [];
    const rb = runbookLink(a, base);
    if (rb) buttons.push({ type: "button", text: { type: "plain_text", text: "Runbook" }, url: rb, action_id: `runbook-${a.fingerprint}` });
    if (a.id) buttons.push({ type: "button", text: { type: "plain_text", text: "Open alert" }, url: `${base}/alerts/${a.id}`, action_id: `alert-${a.fingerprint}` });
    if (buttons.length) blocks.push({ type: "actions", elements: buttons });
  }
  return { text: title(action, alerts), blocks };
}

function pdSeverity(s: string): "critical" | "error" | "warning" | "info" {
  return s === "critical" || s === "warning" || s === "info" ? s : "error";
}

/** PagerDuty Events API v2 body, minus routing_key. */
export function pagerDutyPayload(action: Action, groupKey: string, alerts: NotifyAlert[], base: string) {
  const first = alerts[0];
  const body: Record<string, unknown> = { event_action: action, dedup_key: dedupKey(groupKey) };
  if (action === "trigger") {
    body.payload = {
      summary: title(action, alerts).slice(0, 1024),
      source: "opsdeck",
      severity: pdSeverity(first.severity),
      timestamp: (first.firedAt ?? first.activeAt).toISOString(),
      component: first.labels.domain ?? "opsdeck",
      group: first.labels.team,
      class: first.rule,
      custom_details: { alerts: alerts.map((a) => ({ rule: a.rule, summary: a.summary, value: a.value, labels: a.labels })) },
    };
    body.links = alerts.flatMap((a) => {
      const rb = runbookLink(a, base);
      return [...(rb ? [{ href: rb, text: `Runbook: ${a.rule}` }] : []), { href: `${base}/alerts/${a.id}`, text: `Opsdeck alert ${a.rule}` }];
    });
    body.client = "Opsdeck";
    body.client_url = `${base}/alerts`;
  }
  return body;
}

const ZERO_TIME = "0001-01-01T00:00:00Z";

/** Alertmanager webhook JSON, version 4. */
export function webhookPayload(action: Action, receiver: string, groupKey: string, alerts: NotifyAlert[], base: string) {
  const common = (pick: (a: NotifyAlert) => Record<string, string>) => {
    const [first, ...rest] = alerts.map(pick);
    return Object.fromEntries(Object.entries(first ?? {}).filter(([k, v]) => rest.every((o) => o[k] === v)));
  };
  const annotations = (a: NotifyAlert) => {
    const rb = runbookLink(a, base);
    return { summary: a.summary, description: a.description, ...(rb ? { runbook_url: rb } : {}) };
  };
  return {
    version: "4",
    groupKey,
    truncatedAlerts: 0,
    status: action === "resolve" ? "resolved" : "firing",
    receiver,
    groupLabels: { alertname: alerts[0]?.rule ?? "" },
    commonLabels: common((a) => a.labels),
    commonAnnotations: common(annotations),
    externalURL: base,
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: annotations(a),
      startsAt: (a.firedAt ?? a.activeAt).toISOString(),
      endsAt: a.resolvedAt ? a.resolvedAt.toISOString() : ZERO_TIME,
      generatorURL: `${base}/alerts/${a.id}`,
      fingerprint: a.fingerprint,
    })),
  };
}
