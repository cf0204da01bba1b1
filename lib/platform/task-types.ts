// What a domain contributes to the shared task queue: named task types with a description and a
// payload schema. Data only (no handlers, no database), so the queue, the dead-letter console and
// pages can read the composed table without importing any domain's workers. Handlers are composed
// beside the workers in lib/domains.ts.
import type { z } from "zod";

export interface TaskTypeDefinition {
  description: string;
  payloadSchema: z.ZodType;
}

export type TaskTypeTable = Record<string, TaskTypeDefinition>;

/** Merges the domains' tables; a name two domains both claim is a programming error. */
export function composeTaskTypes(...tables: TaskTypeTable[]): TaskTypeTable {
  const out: TaskTypeTable = {};
  for (const table of tables) {
    for (const [name, def] of Object.entries(table)) {
      if (Object.hasOwn(out, name)) throw new Error(`Task type "${name}" is declared by two domains; task type names must be unique.`);
      out[name] = def;
    }
  }
  return out;
}
