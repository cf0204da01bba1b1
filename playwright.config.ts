import { defineConfig } from "@playwright/test";

// The e2e server is the real launcher (`bin/opsdeck start`) on a fresh embedded PostgreSQL in demo
// mode, serving the production build. Specs that need to set up data connect to the same database.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const PG_PORT = Number(process.env.E2E_PG_PORT ?? 54349);
process.env.DATABASE_URL = `postgresql://opsdeck:opsdeck@127.0.0.1:${PG_PORT}/opsdeck`;

export default defineConfig({
  testDir: "e2e",
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"], ["json", { outputFile: "test-results/e2e-results.json" }]],
  outputDir: "test-results/e2e",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  webServer: {
    command: `rm -rf .data/e2e && bin/opsdeck start -p ${PORT} -H 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/api/readyz`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    env: {
      DATABASE_URL: "",
      OPSDECK_DATA_DIR: ".data/e2e",
      OPSDECK_EMBEDDED_PG_PORT: String(PG_PORT),
      OPSDECK_DEMO: "true",
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
      FULFILLMENT_POLL_INTERVAL_SECONDS: "1",
      ALERT_EVALUATION_INTERVAL_SECONDS: "2",
      ALERT_GROUP_WAIT_SECONDS: "1",
      // Every request counts as slow: the telemetry spec follows a slow-request event to its trace.
      SLOW_REQUEST_WARNING_MS: "0",
    },
  },
});
