import "server-only";
// Where notifications go. Receivers come from the environment (SLACK_WEBHOOK_URL,
// PAGERDUTY_ROUTING_KEY, ALERT_WEBHOOK_URL) and from the admin UI (alert_receivers). Each has
// label matchers (values may list alternatives: "critical|warning"); an alert goes to every
// receiver that matches. Secrets (webhook URLs, routing keys) never leave this module except
// into the outgoing request.
import { z } from "zod";
import { db } from "@/lib/platform/db";
import { envFor } from "@/lib/platform/env";

export type ReceiverKind = "slack" | "pagerduty" | "webhook";
export const RECEIVER_KINDS: readonly ReceiverKind[] = ["slack", "pagerduty", "webhook"];

export interface Receiver {
  name: string;
  kind: ReceiverKind;
  match: Record<string, string>;
  /** Slack/webhook URL or PagerDuty routing key. */
  secret: string;
  /** PagerDuty: events API base URL. */
  eventsUrl?: string;
  source: "env" | "ui";
}

const severities = z.string().regex(/^[a-z|]+$/, "a |-separated list such as critical|warning");

export const notifySettings = () =>
  envFor(
    "alert notifications",
    z.object({
      SLACK_WEBHOOK_URL: z.string().url().optional(),
      ALERT_SLACK_SEVERITIES: severities.default("critical|warning"),
      PAGERDUTY_ROUTING_KEY: z.string().min(1).optional(),
      PAGERDUTY_EVENTS_URL: z.string().url().default("https://events.pagerduty.com"),
      ALERT_PAGERDUTY_SEVERITIES: severities.default("critical"),
      ALERT_WEBHOOK_URL: z.string().url().optional(),
      ALERT_WEBHOOK_SEVERITIES: severities.default("critical|warning|info"),
      ALERT_GROUP_WAIT_SECONDS: z.coerce.number().min(0).default(30),
      ALERT_GROUP_INTERVAL_SECONDS: z.coerce.number().min(0).default(300),
      ALERT_REPEAT_INTERVAL_SECONDS: z.coerce.number().min(1).default(4 * 3600),
      ALERT_NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
      ALERT_NOTIFY_RETRY_BASE_MS: z.coerce.number().int().min(1).default(2000),
      ALERT_NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
      OPSDECK_PUBLIC_URL: z.string().url().optional(),
      PORT: z.coerce.number().default(3000),
    }),
  );

/** Base URL used for runbook and alert links in notifications. */
export function publicUrl(): string {
  const s = notifySettings();
  return (s.OPSDECK_PUBLIC_URL ?? `http://localhost:${s.PORT}`).replace(/\/$/, "");
}

export function envReceivers(): Receiver[] {
  const s = notifySettings();
  const out: Receiver[] = [];
  if (s.SLACK_WEBHOOK_URL) out.push({ name: "env-slack", kind: "slack", match: { severity: s.ALERT_SLACK_SEVERITIES }, secret: s.SLACK_WEBHOOK_URL, source: "env" });
  if (s.PAGERDUTY_ROUTING_KEY) {
    out.push({ name: "env-pagerduty", kind: "pagerduty", match: { severity: s.ALERT_PAGERDUTY_SEVERITIES }, secret: s.PAGERDUTY_ROUTING_KEY, eventsUrl: s.PAGERDUTY_EVENTS_URL, source: "env" });
  }
  if (s.ALERT_WEBHOOK_URL) out.push({ name: "env-webhook", kind: "webhook", match: { severity: s.ALERT_WEBHOOK_SEVERITIES }, secret: s.ALERT_WEBHOOK_URL, source: "env" });
  return out;
}

export async function allReceivers(): Promise<Receiver[]> {
  const rows = await db().alertReceiver.findMany({ where: { enabled: true }, orderBy: { name: "asc" } });
  const fromDb: Receiver[] = rows.map((r) => ({
    name: r.name,
    kind: r.kind as ReceiverKind,
    match: (r.match ?? {}) as Record<string, string>,
    secret: r.secret,
    eventsUrl: ((r.config ?? {}) as { eventsUrl?: string }).eventsUrl ?? notifySettings().PAGERDUTY_EVENTS_URL,
    source: "ui",
  }));
  return [...envReceivers(), ...fromDb];
}

export function routes(receiver: Pick<Receiver, "match">, labels: Record<string, string>): boolean {
  return Object.entries(receiver.match).every(([k, v]) => v.split("|").includes(labels[k] ?? ""));
}

/** What the UI/API may show about a secret: that it is set, and its host for URLs. */
export function secretHint(kind: ReceiverKind, secret: string): string {
  if (kind === "pagerduty") return "routing key set (hidden)";
  try {
    return `${new URL(secret).host} (URL hidden)`;
  } catch {
    return "set (hidden)";
  }
}
