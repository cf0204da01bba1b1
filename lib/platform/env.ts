// One validated view of the environment. Parsed lazily so `next build` does not need runtime secrets.
import { z } from "zod";

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", ""])
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : ["true", "1", "yes"].includes(v)));

const int = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  DATABASE_URL: z.string().optional(),
  OPSDECK_DATABASE_KIND: z.enum(["external", "embedded"]).default("external"),
  OPSDECK_ENV: z.string().default("local"),
  OPSDECK_DEMO: bool(false),
  PORT: int(3000),
  AUTH_SECRET: z.string().optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().default("Single sign-on"),
  OIDC_ROLE_CLAIM: z.string().default("roles"),
  OIDC_DEFAULT_ROLE: z.enum(["viewer", "operator", "merchandiser", "admin"]).default("viewer"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  MAX_BODY_BYTES: int(1_048_576),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;
export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}. See the configuration table in README.md.`);
  }
  cached = parsed.data;
  return cached;
}

/** Parses an env subset with its own schema (domains own their settings). */
export function envFor<T extends z.ZodType>(domain: string, s: T): z.infer<T> {
  const parsed = s.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid ${domain} settings: ${problems}. See the configuration table in README.md.`);
  }
  return parsed.data;
}

export const envHelpers = { bool, int };
