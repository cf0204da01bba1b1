// One worker process of bench/throughput.ts. Connects and gets ready, starts its queue's worker on
// "go", reports how many jobs its handler ran, and drains gracefully on "stop".
// argv: <system> <json {url, knobs, workerId}>
import { startGraphile, startPgBoss, type StartedWorker, type ThroughputKnobs } from "./competitors";
import { startOpsdeck } from "./opsdeck";

const [system, rawConfig] = process.argv.slice(2);
const config = JSON.parse(rawConfig) as { url: string; knobs: ThroughputKnobs; workerId: string };

let handled = 0;
let reported = -1;
let goAt = 0;
let firstAt = 0;
let cpuAtGo: NodeJS.CpuUsage | null = null;
const onDone = (n: number) => {
  if (handled === 0) firstAt = performance.now();
  handled += n;
};

function send(msg: object) {
  process.send?.(msg);
}

async function start(): Promise<StartedWorker> {
  switch (system) {
    case "opsdeck":
      return startOpsdeck(config.url, config.knobs, config.workerId, onDone);
    case "graphile-worker":
      return startGraphile(config.url, config.knobs, onDone);
    case "pg-boss":
      return startPgBoss(config.url, config.knobs, onDone);
    default:
      throw new Error(`unknown system "${system}" (use opsdeck, graphile-worker or pg-boss)`);
  }
}

const reporter = setInterval(() => {
  if (handled !== reported) {
    reported = handled;
    send({ type: "count", n: handled });
  }
}, 25);

let worker: StartedWorker | null = null;
process.on("message", async (m: { type: string }) => {
  try {
    if (m.type === "go") {
      goAt = performance.now();
      cpuAtGo = process.cpuUsage();
      worker = await start();
      send({ type: "started", startMs: performance.now() - goAt });
    } else if (m.type === "stop") {
      await worker?.stop();
      clearInterval(reporter);
      send({ type: "count", n: handled });
      const cpu = process.cpuUsage(cpuAtGo ?? undefined);
      send({ type: "stopped", n: handled, firstTaskMs: firstAt ? firstAt - goAt : null, cpuUs: cpu.user + cpu.system });
      setTimeout(() => process.exit(0), 50);
    }
  } catch (err) {
    console.error(`[${system} ${config.workerId}]`, err);
    process.exit(1);
  }
});
// The parent owns our lifetime: if it dies, so do we.
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
