// `opsdeck harness whatsapp load`: the seed's nightly load harness (scripts/whatsapp_harness.py
// in the seed). Sends signed batches, waits for offers via the diagnostics endpoint, enforces the
// SLOs inline, writes the JSON report, uploads it to the console (trend), and on a breach prints
// an `ALERT:` stanza and exits 1.
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { alertStanza, runHarness, type HarnessReport } from "@/lib/whatsapp/harness";
import { DEMO_CREDENTIALS } from "@/lib/whatsapp/settings";

interface LoadOptions {
  url: string;
  token: string;
  diagnosticsUrl: string;
  count: string;
  batchSize: string;
  reportFile?: string;
  appSecret?: string;
  clientId: string;
  wait: string;
  upload: boolean;
}

function positiveInt(name: string, v: string, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be an integer from 1 to ${max} (got "${v}").`);
  return n;
}

function printSummary(r: HarnessReport): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const lines = [
    `run ${r.run_id}: ${r.sent.messages} deliveries in ${r.sent.batches} requests (${r.sent.replayed_duplicates} replays, ${r.sent.with_media} with media)`,
    `  created ${r.results.created}, extracted ${r.results.extracted}, errors ${r.results.errors}, skipped ${r.results.skipped}, deduped ${r.results.deduped}, 429s ${r.responses.rate_limited_429}`,
    `  ingest→offer p50 ${r.latency.p50_seconds ?? "—"} s, p95 ${r.latency.p95_seconds ?? "—"} s; extraction success ${pct(r.ratios.extracted_created)}; dedupe ratio ${pct(r.ratios.dedupe)}`,
    ...r.slos.map((s) => `  ${s.passed ? "✓" : "✗"} ${s.name} ${s.value ?? "no data"} (objective ${s.objective})`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

export function registerHarness(program: Command): void {
  const harness = program.command("harness").description("Load harnesses with inline SLOs");
  harness
    .command("whatsapp")
    .description("WhatsApp ingest harnesses")
    .command("load")
    .description("Send signed batches (with replays and media), wait for offers, enforce p95 < 60 s, skipped/error < 2 %, extracted/created ≥ 95 %")
    .requiredOption("--url <url>", "the ingest endpoint, e.g. http://localhost:3000/integrations/whatsapp/ingest")
    .requiredOption("--token <token>", "bearer: WHATSAPP_INGEST_TOKEN or an API key with scope ingest:whatsapp")
    .requiredOption("--diagnostics-url <url>", "e.g. http://localhost:3000/chat/tools/diagnostics")
    .option("--count <n>", "messages to send", "50")
    .option("--batch-size <n>", "messages per request", "10")
    .option("--report-file <path>", "write the JSON report here")
    .option("--app-secret <secret>", "HMAC secret for X-Hub-Signature-256 (default: $WHATSAPP_APP_SECRET, else the demo secret)")
    .option("--client-id <id>", "client id the batches claim", "load-harness")
    .option("--wait <seconds>", "how long to wait for offers after the last batch", "60")
    .option("--no-upload", "do not upload the report to the console")
    .action(async (o: LoadOptions) => {
      const count = positiveInt("count", o.count, 100_000);
      const batchSize = positiveInt("batch-size", o.batchSize, 100);
      const appSecret = o.appSecret ?? process.env.WHATSAPP_APP_SECRET ?? DEMO_CREDENTIALS.appSecret;
      const bar = process.stderr.isTTY ? new SingleBar({ format: "sending {bar} {value}/{total} deliveries", stream: process.stderr }, Presets.shades_classic) : null;
      let started = false;
      const report = await runHarness({
        url: o.url, token: o.token, diagnosticsUrl: o.diagnosticsUrl, appSecret, count, batchSize, clientId: o.clientId, waitSeconds: positiveInt("wait", o.wait, 3600),
        onProgress: (sent, total) => {
          if (!bar) return;
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(sent);
        },
      });
      bar?.stop();
      printSummary(report);
      let reportFile: string | undefined;
      if (o.reportFile) {
        reportFile = path.resolve(process.env.OPSDECK_CWD ?? process.cwd(), o.reportFile);
        fs.mkdirSync(path.dirname(reportFile), { recursive: true });
        fs.writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
        process.stdout.write(`report written to ${reportFile}\n`);
      }
      if (o.upload) {
        const res = await fetch(new URL("/api/v1/whatsapp/harness/reports", o.url), {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${o.token}` },
          body: JSON.stringify(report),
        }).catch((err: Error) => err);
        if (res instanceof Error || !res.ok) process.stderr.write(`warning: could not upload the report to the console (${res instanceof Error ? res.message : `HTTP ${res.status}`}); the file is the record.\n`);
      }
      if (!report.passed) {
        // Exit explicitly once the stanza is flushed: open handles (keep-alive sockets) must not decide the status.
        await new Promise<void>((resolve) => process.stdout.write(`${alertStanza(report, reportFile)}\n`, () => resolve()));
        process.exit(1);
      }
    });
}
