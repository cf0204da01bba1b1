// The Opsdeck CLI: `opsdeck --help`.
import { Command } from "commander";
import { registerStart } from "./commands/start";
import { registerUsers } from "./commands/users";
import { registerApiKeys } from "./commands/apikeys";
import { registerDb } from "./commands/db";
import { registerWorker } from "./commands/worker";
import { registerExport } from "./commands/export";
import { registerCheck } from "./commands/check";
import { registerSmoke } from "./commands/smoke";
import { registerVerify } from "./commands/verify";
import { registerHarness } from "./commands/harness";

const program = new Command("opsdeck").description("Opsdeck operations console").showHelpAfterError();
for (const register of [registerStart, registerUsers, registerApiKeys, registerDb, registerWorker, registerExport, registerCheck, registerSmoke, registerVerify, registerHarness]) {
  register(program);
}

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`opsdeck: ${err.message}\n`);
  process.exit(1);
});
