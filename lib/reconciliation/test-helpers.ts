// Test support: a platform API on 127.0.0.1 (GET /posts/{id}/metrics) whose answer per post is set
// by the test: figures, 404, an HTTP error, or a hang (for timeouts). Counts the calls per post.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type StubAnswer = { figures: Record<string, number> } | { status: number } | { hang: true };

export interface PlatformStub {
  url: string;
  answers: Map<string, StubAnswer>;
  calls: Map<string, number>;
  /** Answer for posts without their own entry. */
  fallback: StubAnswer;
  close(): Promise<void>;
}

export async function startPlatformStub(port = 0): Promise<PlatformStub> {
  const stub = { answers: new Map<string, StubAnswer>(), calls: new Map<string, number>(), fallback: { status: 404 } as StubAnswer };
  const hung = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const m = /^\/posts\/([^/]+)\/metrics\?/.exec(req.url ?? "");
    if (req.method !== "GET" || !m) {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: `no stub for ${req.method} ${req.url}` }));
      return;
    }
    const post = decodeURIComponent(m[1]);
    stub.calls.set(post, (stub.calls.get(post) ?? 0) + 1);
    const answer = stub.answers.get(post) ?? stub.fallback;
    if ("hang" in answer) {
      hung.add(res);
      res.on("close", () => hung.delete(res));
      return;
    }
    if ("status" in answer) {
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify({ error: "stub" }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer.figures));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    ...stub,
    get fallback() {
      return stub.fallback;
    },
    set fallback(a: StubAnswer) {
      stub.fallback = a;
    },
    close: () =>
      new Promise((resolve) => {
        for (const r of hung) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
