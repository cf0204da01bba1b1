// Notifications against local stub servers: payload shapes, grouping timers, retries on 429/5xx,
// PagerDuty trigger/acknowledge/resolve with one dedup_key, silences and inhibition.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db, pool } from "@/lib/platform/db";
import { signals } from "../registry";
import { evaluateAll } from "../evaluator";
import { acknowledge, createSilence, expireSilence, previewSilence } from "../actions";
import { deliverDue, planNotifications } from "./dispatch";
import type { AlertRule, Signal } from "../types";

interface Received {
  path: string;
  body: Record<string, unknown>;
}

/** A stub HTTP server: records bodies, answers with the queued statuses then 200. */
function stub() {
  const received: Received[] = [];
  const script: { status: number; headers?: Record<string, string> }[] = [];
  const server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(data) });
      const next = script.shift() ?? { status: 200 };
      res.writeHead(next.status, next.headers ?? {});
      res.end(next.status < 300 ? "ok" : "try later");
    });
  });
  return {
    received,
    script,
    server,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    listen: () => new Promise<void>((r) => server.listen(0, "127.0.0.1", r)),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const slack = stub();
const pd = stub();
const hook = stub();

const values: Record<string, number> = {};
const testSignal: Signal = { name: "test_notify_value", domain: "test", description: "test", evaluate: async () => values.v ?? 0 };
signals.push(testSignal);

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  name: "NotifyTest",
  signal: "test_notify_value",
  op: ">",
  threshold: 0,
  windowSeconds: 300,
  forSeconds: 0,
  keepFiringForSeconds: 0,
  severity: "critical",
  labels: { domain: "test" },
  summary: "value {{ value }}",
  description: "described",
  runbook: "fulfillment-dead-lettered",
  ...over,
});

const T0 = new Date("2032-05-01T08:00:00Z").getTime();
const at = (s: number) => new Date(T0 + s * 1000);

beforeAll(async () => {
  await Promise.all([slack.listen(), pd.listen(), hook.listen()]);
  process.env.SLACK_WEBHOOK_URL = `${slack.url()}/services/T/B/X`;
  process.env.PAGERDUTY_ROUTING_KEY = "R0UTINGKEY0123456789012345678901";
  process.env.PAGERDUTY_EVENTS_URL = pd.url();
  process.env.ALERT_WEBHOOK_URL = `${hook.url()}/am`;
  process.env.OPSDECK_PUBLIC_URL = "https://opsdeck.example";
  process.env.ALERT_NOTIFY_RETRY_BASE_MS = "1000";
});

afterAll(async () => {
  for (const k of ["SLACK_WEBHOOK_URL", "PAGERDUTY_ROUTING_KEY", "PAGERDUTY_EVENTS_URL", "ALERT_WEBHOOK_URL", "OPSDECK_PUBLIC_URL", "ALERT_NOTIFY_RETRY_BASE_MS"]) delete process.env[k];
  await Promise.all([slack.close(), pd.close(), hook.close()]);
});

beforeEach(async () => {
  await pool().query("truncate alert_instances, alert_events, alert_samples, alert_notification_groups, alert_deliveries, alert_silences cascade");
  for (const s of [slack, pd, hook]) {
    s.received.length = 0;
    s.script.length = 0;
  }
  values.v = 0;
});

describe("notifications", () => {
  it("waits group_wait, sends Slack/PagerDuty/webhook payloads, retries, acks and resolves with one dedup_key", async () => {
    const r = rule();
    values.v = 3;
    await evaluateAll(at(0), [r]);
    expect(await planNotifications(at(0))).toBe(0); // group_wait 30 s
    expect(await planNotifications(at(29))).toBe(0);
    expect(await planNotifications(at(30))).toBe(3);

    pd.script.push({ status: 500 }); // first PagerDuty attempt fails, then succeeds
    slack.script.push({ status: 429, headers: { "retry-after": "3" } });
    let res = await deliverDue(at(30));
    expect(res).toEqual({ delivered: 1, failed: 0, retrying: 2 });
    expect(await deliverDue(at(30.5))).toEqual({ delivered: 0, failed: 0, retrying: 0 }); // not yet due
    res = await deliverDue(at(31)); // PagerDuty backoff 1 s
    expect(res).toEqual({ delivered: 1, failed: 0, retrying: 0 });
    res = await deliverDue(at(33)); // Slack honoured Retry-After: 3
    expect(res).toEqual({ delivered: 1, failed: 0, retrying: 0 });

    expect(slack.received).toHaveLength(2);
    expect(slack.received[1].path).toBe("/services/T/B/X");
    const sbody = slack.received[1].body as { text: string; blocks: { type: string; elements?: { url: string; text: { text: string } }[] }[] };
    expect(sbody.text).toBe("[FIRING:1] NotifyTest — value 3");
    const buttons = sbody.blocks.find((b) => b.type === "actions")!.elements!;
    expect(buttons[0]).toMatchObject({ url: "https://opsdeck.example/runbooks/fulfillment-dead-lettered", text: { text: "Runbook" } });

    expect(pd.received).toHaveLength(2);
    expect(pd.received[1].path).toBe("/v2/enqueue");
    const trigger = pd.received[1].body as Record<string, unknown>;
    expect(trigger).toMatchObject({
      routing_key: "R0UTINGKEY0123456789012345678901",
      event_action: "trigger",
      payload: { severity: "critical", source: "opsdeck", class: "NotifyTest" },
    });
    expect(trigger.links).toContainEqual({ href: "https://opsdeck.example/runbooks/fulfillment-dead-lettered", text: "Runbook: NotifyTest" });
    const dedup = trigger.dedup_key as string;
    expect(dedup).toMatch(/^opsdeck-[0-9a-f]{24}$/);

    expect(hook.received).toHaveLength(1);
    expect(hook.received[0].body).toMatchObject({
      version: "4",
      status: "firing",
      receiver: "env-webhook",
      groupLabels: { alertname: "NotifyTest" },
      commonLabels: { alertname: "NotifyTest", severity: "critical", domain: "test" },
      alerts: [{ status: "firing", endsAt: "0001-01-01T00:00:00Z", annotations: { runbook_url: "https://opsdeck.example/runbooks/fulfillment-dead-lettered" } }],
    });

    // Timeline: queued, a retry, then sent — visible on the alert page.
    const inst = await db().alertInstance.findFirstOrThrow({ where: { rule: "NotifyTest" }, include: { events: true } });
    const kinds = inst.events.map((e) => e.kind);
    expect(kinds.filter((k) => k === "notify_sent")).toHaveLength(3);
    expect(kinds.filter((k) => k === "notify_retry")).toHaveLength(2);

    // No repeat before repeat_interval (4 h), even on later evaluations.
    await evaluateAll(at(60), [r]);
    expect(await planNotifications(at(60))).toBe(0);

    // Acknowledge → PagerDuty acknowledge with the same dedup_key.
    const ack = await acknowledge(inst.id, { owner: "operator@opsdeck.local", comment: "looking" }, "user:operator@opsdeck.local", at(70));
    expect(ack.pagerdutyAcknowledgements).toBe(1);
    await expect(acknowledge(inst.id, { owner: "x", comment: "y" }, "user:x", at(71))).rejects.toMatchObject({ code: "conflict" });
    await deliverDue(at(70));
    expect(pd.received[2].body).toMatchObject({ event_action: "acknowledge", dedup_key: dedup });
    const audit = await db().auditLog.findFirst({ where: { action: "alert.acknowledge", target: `alert:${inst.id}` } });
    expect(audit?.actor).toBe("user:operator@opsdeck.local");

    // Resolve: after group_interval the resolve goes out; Slack gets a new post.
    values.v = 0;
    await evaluateAll(at(100), [r]);
    expect(await planNotifications(at(100))).toBe(0); // group_interval (5 m) since the last send at 30 s
    expect(await planNotifications(at(330))).toBe(3);
    await deliverDue(at(330));
    expect(pd.received[3].body).toMatchObject({ event_action: "resolve", dedup_key: dedup });
    expect((slack.received[2].body as { text: string }).text).toBe("[RESOLVED] NotifyTest — value 3");
    expect(hook.received[1].body).toMatchObject({ status: "resolved", alerts: [{ status: "resolved", endsAt: at(100).toISOString() }] });
    // The group is closed: nothing more to send.
    expect(await planNotifications(at(10_000))).toBe(0);
  });

  it("gives up after non-retryable errors and shows the failure on the timeline", async () => {
    values.v = 1;
    await evaluateAll(at(0), [rule({ severity: "info" })]); // info: webhook receiver only
    await planNotifications(at(0));
    await planNotifications(at(30));
    hook.script.push({ status: 400 });
    expect(await deliverDue(at(30))).toEqual({ delivered: 0, failed: 1, retrying: 0 });
    const d = await db().alertDelivery.findFirstOrThrow({ where: { receiver: "env-webhook" } });
    expect(d).toMatchObject({ status: "failed", attempts: 1, lastStatus: 400 });
    const ev = await db().alertEvent.findFirstOrThrow({ where: { kind: "notify_failed" } });
    expect(ev.message).toContain("HTTP 400");
    expect(slack.received).toHaveLength(0);
    expect(pd.received).toHaveLength(0);
  });

  it("retries 5xx with exponential backoff up to the attempt limit", async () => {
    process.env.ALERT_NOTIFY_MAX_ATTEMPTS = "3";
    try {
      values.v = 1;
      await evaluateAll(at(0), [rule({ severity: "info" })]);
      await planNotifications(at(0));
      await planNotifications(at(30));
      hook.script.push({ status: 503 }, { status: 502 }, { status: 500 });
      expect(await deliverDue(at(30))).toMatchObject({ retrying: 1 });
      expect(await deliverDue(at(31))).toMatchObject({ retrying: 1 }); // 1 s
      expect(await deliverDue(at(32))).toMatchObject({ retrying: 0, failed: 0 }); // next is 2 s later
      expect(await deliverDue(at(33))).toMatchObject({ failed: 1 });
      expect(hook.received).toHaveLength(3);
    } finally {
      delete process.env.ALERT_NOTIFY_MAX_ATTEMPTS;
    }
  });

  it("silences mute matching alerts (with a preview) until expired", async () => {
    values.v = 1;
    await evaluateAll(at(0), [rule({ severity: "info" })]);
    const matchers = [{ name: "alertname", value: "NotifyTest", isRegex: false, isEqual: true }];
    const preview = await previewSilence(matchers);
    expect(preview.map((p) => p.rule)).toEqual(["NotifyTest"]);
    expect(await previewSilence([{ name: "alertname", value: "Other.*", isRegex: true, isEqual: true }])).toEqual([]);
    await expect(previewSilence([{ name: "alertname", value: ".*", isRegex: true, isEqual: true }])).rejects.toMatchObject({ code: "validation_failed" });

    const { silence, affected } = await createSilence({ matchers, startsAt: at(0), endsAt: at(3600), comment: "maintenance" }, "user:op", at(1));
    expect(affected).toHaveLength(1);
    expect(await planNotifications(at(30))).toBe(0);
    expect(await planNotifications(at(60))).toBe(0);
    await expireSilence(silence.id, "user:op", at(100));
    await expect(expireSilence(silence.id, "user:op", at(101))).rejects.toMatchObject({ code: "conflict" });
    expect(await planNotifications(at(100))).toBe(0); // group_wait starts now
    expect(await planNotifications(at(130))).toBe(1);
  });

  it("a page inhibits the ticket of the same SLO, not of another", async () => {
    values.v = 1;
    const page = rule({ name: "SloPage", severity: "critical", labels: { slo: "a" } });
    const ticketSame = rule({ name: "SloTicketA", severity: "warning", labels: { slo: "a" } });
    const ticketOther = rule({ name: "SloTicketB", severity: "warning", labels: { slo: "b" } });
    await evaluateAll(at(0), [page, ticketSame, ticketOther]);
    await planNotifications(at(0));
    await planNotifications(at(30));
    await deliverDue(at(30));
    const slackRules = slack.received.map((x) => (x.body as { text: string }).text.split(" ")[1]);
    expect(slackRules.sort()).toEqual(["SloPage", "SloTicketB"]);
  });
});
