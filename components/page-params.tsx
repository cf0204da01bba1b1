// Small helpers for server pages whose filters live in the URL: read one search param, build a
// link that changes some params and keeps the rest, pass data to client widgets as plain JSON, and
// say which database read failed.
import { ErrorNote } from "./ui";

export type SearchParams = Record<string, string | string[] | undefined>;

export const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

/** JSON round-trip: client widgets get exactly what their polling endpoints return. */
export const plain = <T,>(v: unknown) => JSON.parse(JSON.stringify(v)) as T;

export function hrefWith(path: string, params: SearchParams, change: Record<string, string | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (typeof v === "string" && v) p.set(k, v);
  for (const [k, v] of Object.entries(change)) {
    if (v) p.set(k, v);
    else p.delete(k);
  }
  const qs = p.toString();
  return qs ? `${path}?${qs}` : path;
}

export const dbError = (what: string, err: unknown) => <ErrorNote>Could not read {what} from the database ({(err as Error).message}). Check /api/readyz.</ErrorNote>;
