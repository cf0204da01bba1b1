// JSON lines to stdout, no transports: the platform's log shipper owns routing.
import pino from "pino";
import { processSingleton } from "./global";

export const logger = processSingleton("logger", () =>
  pino({
    level: process.env.LOG_LEVEL ?? "info",
    base: { service: "opsdeck", pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.apiKey"], censor: "[redacted]" },
  }),
);
