import "server-only";
// Demo traffic: three simulated collectors post signed batches to this process's own ingest
// endpoint (the real HTTP path: auth, signature, rate limit, dedupe, media, queue), with replays,
// copies of one message from two collectors, media, a few unparsable offers, a burst now and
// then that trips the rate limit, an occasional stale token or bad signature, and heartbeats
// (one collector drops its WhatsApp connection for a few minutes every half hour).
import { randomBytes, randomInt } from "node:crypto";
import { startTicker } from "@/lib/platform/ticker-worker";
import type { WorkerDefinition } from "@/lib/platform/worker-runtime";
import { ingestCredentials, whatsappSettings } from "./settings";
import { signBody } from "./signature";

interface Collector {
  id: string;
  chats: { id: string; title: string }[];
  sellers: string[];
  success: number;
  failure: number;
}

const OFFERS = [
  (n: number) => `Selling iPhone 13 128GB - $${400 + n}`,
  (n: number) => `WTS: ${1 + (n % 20)} x Samsung A54 @ €${300 + n} each`,
  (n: number) => `Rice 50kg bag ${40 + (n % 10)},000 NGN`,
  (n: number) => `Tomatoes 20 kg R$ ${100 + n}`,
  (n: number) => `*Fresh stock* Cement Dangote 42.5R — ${5 + (n % 3)},200 naira per bag. Contact Musa`,
  (n: number) => `Yellow maize ${10 + (n % 40)} tons available @ ${300 + n} USD per ton, call Peter`,
  (n: number) => `Dell Latitude 7420 i7 16GB — ${40 + (n % 15)}k KSh`,
  (n: number) => `Offer: ${50 + n} boxes of mangoes at KES ${1000 + n}/box`,
  (n: number) => `Price: 1.${200 + n},00 EUR - Sony PS5 Digital`,
  (n: number) => `Cooking oil 20L jerrycan: ${36 + (n % 5)} 000 ₦`,
];
const CHATTER = ["Good morning everyone 🙏", "Who has stock of cement? Need 200 bags", "WTB iPhone 12, budget $300", "Meeting at 5pm, see you there", "Thanks, received"];
const UNPARSABLE = ["WTS Samsung S23 Ultra, price on request", "Selling: iPhone 14 $700, iPhone 14 Pro $900", "Fresh stock of avocados available, DM for price"];
const PNG_HEADER = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Three "product photos": the same pictures are forwarded again and again (media dedupe).
const PHOTOS = [1, 2, 3].map((k) => Buffer.concat([PNG_HEADER, Buffer.alloc(200 + k * 50, k)]).toString("base64"));

const pick = <T>(xs: readonly T[]) => xs[randomInt(xs.length)];

function newCollectors(): Collector[] {
  return [
    { id: "collector-lagos", chats: [{ id: "120363041-lagos@g.us", title: "Lagos traders" }, { id: "120363042-cement@g.us", title: "Cement & blocks NG" }], sellers: ["+2348031112222", "+2348095553333"], success: 0, failure: 0 },
    { id: "collector-nairobi", chats: [{ id: "120363051-nbo@g.us", title: "Nairobi wholesale" }], sellers: ["+254711223344", "+254722334455"], success: 0, failure: 0 },
    { id: "collector-saopaulo", chats: [{ id: "120363061-sp@g.us", title: "Atacado SP" }, { id: "120363041-lagos@g.us", title: "Lagos traders" }], sellers: ["+5511988887777"], success: 0, failure: 0 },
  ];
}

interface Message {
  message_id: string;
  chat_id: string;
  chat_title: string;
  sender: string;
  timestamp: number;
  text: string;
  media?: { content_type: string; data_base64: string };
}

export function startWhatsappSimulator(port: number, intervalSeconds: number) {
  const creds = ingestCredentials();
  const base = `http://127.0.0.1:${port}`;
  const collectors = newCollectors();
  const recent: Message[] = [];
  let tick = 0;
  let stopped = false;

  const post = async (c: Collector, messages: Message[], opts: { token?: string; badSignature?: boolean } = {}) => {
    const body = JSON.stringify({ client_id: c.id, messages });
    const res = await fetch(`${base}/integrations/whatsapp/ingest`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${opts.token ?? creds.token}`,
        "x-hub-signature-256": opts.badSignature ? signBody(`${body} `, creds.appSecret!) : signBody(body, creds.appSecret!),
      },
      body,
    });
    if (res.ok) c.success++;
    else c.failure++;
    await res.body?.cancel();
  };

  const message = (c: Collector): Message => {
    const chat = pick(c.chats);
    const roll = randomInt(100);
    const text = roll < 70 ? pick(OFFERS)(randomInt(200)) : roll < 97 ? pick(CHATTER) : pick(UNPARSABLE);
    return {
      message_id: `wamid.${randomBytes(10).toString("hex").toUpperCase()}`, chat_id: chat.id, chat_title: chat.title, sender: pick(c.sellers),
      timestamp: Math.floor(Date.now() / 1000), text: `${text}${roll < 97 && roll >= 70 ? "" : ` #${randomInt(10_000)}`}`,
      ...(randomInt(10) === 0 ? { media: { content_type: "image/png", data_base64: pick(PHOTOS) } } : {}),
    };
  };

  const heartbeat = async (c: Collector) => {
    // collector-saopaulo loses its WhatsApp session for ~4 minutes every 30 minutes.
    const minute = new Date().getUTCMinutes();
    const status = c.id === "collector-saopaulo" && minute % 30 >= 20 && minute % 30 < 24 ? "close" : "open";
    await fetch(`${base}/api/v1/whatsapp/collectors/heartbeat`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${creds.token}` },
      body: JSON.stringify({ collector_id: c.id, connection_status: status, batches_success: c.success, batches_failure: c.failure, version: "1.8.3-demo" }),
    }).then((r) => r.body?.cancel());
    return status;
  };

  const round = async () => {
    tick++;
    for (const c of collectors) {
      const status = await heartbeat(c);
      if (status !== "open") continue;
      const batch = Array.from({ length: 1 + randomInt(6) }, () => message(c));
      // Replays (a collector retrying after a timeout) and copies of another collector's message.
      if (recent.length && randomInt(4) === 0) batch.push(pick(recent));
      if (recent.length && randomInt(6) === 0) {
        const copy = pick(recent);
        batch.push({ ...copy, message_id: `wamid.${randomBytes(10).toString("hex").toUpperCase()}` });
      }
      if (randomInt(50) === 0) batch.push({ ...message(c), media: { content_type: "image/jpeg", data_base64: pick(PHOTOS) } }); // mislabelled → media failure
      recent.push(...batch.slice(0, 2));
      if (recent.length > 50) recent.splice(0, recent.length - 50);
      await post(c, batch);
    }
    // About once a minute, a collector with a stale token (401) or a proxy that rewrote the body (403).
    const perMinute = Math.max(1, Math.round(60 / intervalSeconds));
    if (tick % perMinute === Math.floor(perMinute / 2)) await post(collectors[1], [message(collectors[1])], { token: "stale-token-from-last-rotation" });
    if (tick % (perMinute * 3) === 1) await post(collectors[0], [message(collectors[0])], { badSignature: true });
    // Every ~4 minutes, collector-lagos flushes a backlog in tiny batches and trips the rate limit.
    if (tick % (perMinute * 4) === 0) {
      const limit = whatsappSettings().WHATSAPP_RATE_LIMIT_BATCHES;
      for (let i = 0; i < limit + 8 && !stopped; i++) await post(collectors[0], [message(collectors[0])]);
    }
  };

  const ticker = startTicker("whatsapp-simulator", intervalSeconds * 1000, round);
  return {
    async stop() {
      stopped = true; // ends a rate-limit burst in progress
      await ticker.stop();
    },
  };
}

export const whatsappSimulatorDefinition: WorkerDefinition = {
  name: "whatsapp-simulator",
  enabled() {
    const s = whatsappSettings();
    if (!s.OPSDECK_SIMULATOR) return { enabled: false, reason: "OPSDECK_SIMULATOR is not true (the demo launcher sets it)" };
    const creds = ingestCredentials(s);
    if (!creds.token || !creds.appSecret) return { enabled: false, reason: "WHATSAPP_INGEST_TOKEN and WHATSAPP_APP_SECRET are not set (demo mode uses published demo values)" };
    return { enabled: true, settings: { intervalSeconds: s.WHATSAPP_SIMULATOR_INTERVAL_SECONDS, port: s.PORT } };
  },
  async start() {
    const s = whatsappSettings();
    return startWhatsappSimulator(s.PORT, s.WHATSAPP_SIMULATOR_INTERVAL_SECONDS);
  },
};
