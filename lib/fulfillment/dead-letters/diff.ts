// A small structural diff of two JSON values, by path: enough to show an operator what an edited
// payload changed. Client-safe: the task page renders it.
export interface DiffEntry {
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function diffJson(before: unknown, after: unknown, path = ""): DiffEntry[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const p = path ? `${path}.${k}` : k;
      if (!(k in after)) return [{ path: p, kind: "removed" as const, before: before[k] }];
      if (!(k in before)) return [{ path: p, kind: "added" as const, after: after[k] }];
      return diffJson(before[k], after[k], p);
    });
  }
  // Arrays and scalars compare as a whole: payloads are flat records, arrays are rare and short.
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || "(root)", kind: "changed", before, after }];
}
