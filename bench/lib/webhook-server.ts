// The webhook endpoint as a bench server: node:http on 127.0.0.1 handing each request to the real
// route handler (app/api/v1/payments/webhooks/stripe/route.ts: route wrapper, raw body, signature
// check with the stripe SDK, dedupe insert, task enqueue). argv: <json {url, secret, port}>
import http from "node:http";
import type { AddressInfo } from "node:net";

const config = JSON.parse(process.argv[2]) as { url: string; secret: string };
process.env.DATABASE_URL = config.url;
process.env.STRIPE_WEBHOOK_SECRET = config.secret;

async function main() {
  const { NextRequest } = await import("next/server");
  const { POST } = await import("../../app/api/v1/payments/webhooks/stripe/route");
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const response = await POST(new NextRequest(`http://127.0.0.1${req.url}`, { method: "POST", headers, body: Buffer.concat(chunks) }), { params: Promise.resolve({}) });
      res.writeHead(response.status, { "content-type": "application/json" });
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.send?.({ type: "listening", port: (server.address() as AddressInfo).port });
  process.on("message", (m: { type: string }) => {
    if (m.type === "stop") server.close(() => process.exit(0));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
