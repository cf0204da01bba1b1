import type { Command } from "commander";
import { SCOPES, type Scope } from "@/lib/platform/auth/roles";
import { readyDatabase } from "../lib/database";

export function registerApiKeys(program: Command): void {
  const apikey = program.command("apikey").description("Manage API keys for machines");
  apikey
    .command("create")
    .description("Create a key; it is printed once and stored only as a hash")
    .requiredOption("--name <name>", "what uses the key, e.g. prometheus-prod")
    .requiredOption("--scope <scope...>", `one or more of ${SCOPES.join(", ")}`)
    .action(async (opts: { name: string; scope: string[] }) => {
      const unknown = opts.scope.filter((s) => !(SCOPES as readonly string[]).includes(s));
      if (unknown.length) throw new Error(`Unknown scope(s) ${unknown.join(", ")}: use ${SCOPES.join(", ")}.`);
      await readyDatabase();
      const { createApiKey } = await import("@/lib/platform/auth/api-keys");
      const key = await createApiKey({ name: opts.name, scopes: opts.scope as Scope[], actor: "cli" });
      process.stderr.write(`Created API key "${key.name}" (${key.id}) with scopes ${key.scopes.join(", ")}. Store it now; it is not shown again.\n`);
      process.stdout.write(`${key.key}\n`);
    });
  apikey
    .command("list")
    .description("List keys (prefixes only)")
    .action(async () => {
      await readyDatabase();
      const { listApiKeys } = await import("@/lib/platform/auth/api-keys");
      for (const k of await listApiKeys()) {
        const state = k.revokedAt ? "revoked" : `last used ${k.lastUsedAt?.toISOString() ?? "never"}`;
        process.stdout.write(`${k.id}\topsk_${k.prefix}_…\t${k.name}\t${k.scopes.join(",")}\t${state}\n`);
      }
    });
  apikey
    .command("revoke <id>")
    .description("Revoke a key by id")
    .action(async (id: string) => {
      await readyDatabase();
      const { revokeApiKey } = await import("@/lib/platform/auth/api-keys");
      await revokeApiKey(id, "cli");
      process.stdout.write(`Revoked ${id}.\n`);
    });
}
