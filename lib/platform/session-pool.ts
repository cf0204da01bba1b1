// A small pool on the same database as another, whose connections run with their own session
// settings. For a hot statement that needs planner settings the rest of the process must not get:
// PostgreSQL has no per-statement settings, and `SET LOCAL` costs a transaction and round trips.
// The settings travel in the startup packet (`options=-c name=value`), so reconnects keep them.
import type pg from "pg";
import pgModule from "pg";

const SETTING_NAME = /^[a-z_][a-z0-9_.]*$/;
const SETTING_VALUE = /^[A-Za-z0-9_.-]+$/;

export function sessionPool(base: pg.Pool, o: { max: number; settings: Record<string, string> }): pg.Pool {
  const ours = Object.entries(o.settings)
    .map(([name, value]) => {
      if (!SETTING_NAME.test(name) || !SETTING_VALUE.test(value)) throw new Error(`sessionPool: invalid setting ${name}=${value}`);
      return `-c ${name}=${value}`;
    })
    .join(" ");
  const options = [base.options.options, ours].filter(Boolean).join(" ");
  // pg-pool keeps the password (and an ssl key) as non-enumerable properties: copied by name.
  const p = new pgModule.Pool({ ...base.options, password: base.options.password, ssl: base.options.ssl, max: o.max, options });
  // An idle connection lost to a server restart must not crash the process; the next query reconnects.
  p.on("error", () => {});
  return p;
}
